package io.github.rwrouting.consistency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlStatementsTests {

	@Test
	void readsAreReads() {
		assertThat(SqlStatements.isRead("select 1")).isTrue();
		assertThat(SqlStatements.isRead("  SELECT * FROM orders where id = ?")).isTrue();
		assertThat(SqlStatements.isRead("/* hint */ -- comment\n (select count(*) from t)")).isTrue();
		assertThat(SqlStatements.isRead("show transaction_isolation")).isTrue();
		assertThat(SqlStatements.isRead("with x as (select 1) select * from x")).isTrue();
		assertThat(SqlStatements.isRead("explain select 1")).isTrue();
		assertThat(SqlStatements.isRead("select updated_at, inserted_by from t")).isTrue();
		assertThat(SqlStatements.isRead("Select Id From T")).isTrue();
		assertThat(SqlStatements.isRead("VALUES (1)")).isTrue();
		assertThat(SqlStatements.isRead("TABLE orders")).isTrue();
		assertThat(SqlStatements.isRead("select into_count from t")).isTrue();
	}

	@Test
	void anythingThatMayWriteIsAWrite() {
		assertThat(SqlStatements.isRead("insert into t values (1)")).isFalse();
		assertThat(SqlStatements.isRead("update t set a = 1")).isFalse();
		assertThat(SqlStatements.isRead("delete from t")).isFalse();
		assertThat(SqlStatements.isRead("select * into t2 from t")).isFalse();
		assertThat(SqlStatements.isRead("with x as (insert into t values (1) returning id) select * from x")).isFalse();
		assertThat(SqlStatements.isRead("explain analyze delete from t")).isFalse();
		assertThat(SqlStatements.isRead("call do_something()")).isFalse();
		assertThat(SqlStatements.isRead("{call do_something()}")).isFalse();
		assertThat(SqlStatements.isRead("{? = call do_something(?)}")).isFalse();
		assertThat(SqlStatements.isRead("create table t (id int)")).isFalse();
		assertThat(SqlStatements.isRead("")).isFalse();
		assertThat(SqlStatements.isRead("SELECT * INTO t2 FROM t")).isFalse();
		assertThat(SqlStatements.isRead("WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x")).isFalse();
		assertThat(SqlStatements.isRead("selectx")).isFalse();
		assertThat(SqlStatements.isRead("select 1 into\nt")).isFalse();
	}

}
