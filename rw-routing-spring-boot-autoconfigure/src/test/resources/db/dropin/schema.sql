create table if not exists dropin_sql_init (id int primary key, node text not null);
insert into dropin_sql_init (id, node) values (1, case when pg_is_in_recovery() then 'replica' else 'primary' end) on conflict (id) do nothing;
