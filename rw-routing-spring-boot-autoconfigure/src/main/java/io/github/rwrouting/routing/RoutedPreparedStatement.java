package io.github.rwrouting.routing;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import org.jspecify.annotations.Nullable;

/**
 * A prepared statement of a {@link RoutedConnection}; see {@link RoutedStatement}. Parameters are
 * recorded only while the statement may still move to the writer.
 *
 * @param <S> the type of the pooled statement
 * @author rw-routing
 */
class RoutedPreparedStatement<S extends PreparedStatement> extends RoutedStatement<S> implements PreparedStatement {

	RoutedPreparedStatement(RoutedConnection connection, RouteDecision decision, S target, String sql,
			StatementFactory<S> factory, @Nullable Connection routedAlone, boolean sqlReads) {
		super(connection, decision, target, sql, factory, routedAlone, sqlReads);
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		S statement = this.target;
		while (true) {
			try {
				ResultSet result = statement.executeQuery();
				executed(true, null);
				return resultSet(result);
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public boolean execute() throws SQLException {
		S statement = this.target;
		while (true) {
			try {
				boolean result = statement.execute();
				executed(true, null);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public int executeUpdate() throws SQLException {
		S statement = this.target;
		while (true) {
			try {
				int result = statement.executeUpdate();
				executed(false, null);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		S statement = this.target;
		while (true) {
			try {
				long result = statement.executeLargeUpdate();
				executed(false, null);
				return result;
			}
			catch (SQLException ex) {
				statement = failed(ex);
			}
		}
	}


	@Override
	public void setNull(int parameterIndex, int sqlType) throws SQLException {
		this.target.setNull(parameterIndex, sqlType);
		if (this.recording) {
			record((statement) -> statement.setNull(parameterIndex, sqlType));
		}
	}

	@Override
	public void setBoolean(int parameterIndex, boolean x) throws SQLException {
		this.target.setBoolean(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setBoolean(parameterIndex, x));
		}
	}

	@Override
	public void setByte(int parameterIndex, byte x) throws SQLException {
		this.target.setByte(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setByte(parameterIndex, x));
		}
	}

	@Override
	public void setShort(int parameterIndex, short x) throws SQLException {
		this.target.setShort(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setShort(parameterIndex, x));
		}
	}

	@Override
	public void setInt(int parameterIndex, int x) throws SQLException {
		this.target.setInt(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setInt(parameterIndex, x));
		}
	}

	@Override
	public void setLong(int parameterIndex, long x) throws SQLException {
		this.target.setLong(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setLong(parameterIndex, x));
		}
	}

	@Override
	public void setFloat(int parameterIndex, float x) throws SQLException {
		this.target.setFloat(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setFloat(parameterIndex, x));
		}
	}

	@Override
	public void setDouble(int parameterIndex, double x) throws SQLException {
		this.target.setDouble(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setDouble(parameterIndex, x));
		}
	}

	@Override
	public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
		this.target.setBigDecimal(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setBigDecimal(parameterIndex, x));
		}
	}

	@Override
	public void setString(int parameterIndex, String x) throws SQLException {
		this.target.setString(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setString(parameterIndex, x));
		}
	}

	@Override
	public void setBytes(int parameterIndex, byte[] x) throws SQLException {
		this.target.setBytes(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setBytes(parameterIndex, x));
		}
	}

	@Override
	public void setDate(int parameterIndex, Date x) throws SQLException {
		this.target.setDate(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setDate(parameterIndex, x));
		}
	}

	@Override
	public void setTime(int parameterIndex, Time x) throws SQLException {
		this.target.setTime(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setTime(parameterIndex, x));
		}
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
		this.target.setTimestamp(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setTimestamp(parameterIndex, x));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.target.setAsciiStream(parameterIndex, x, length);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterIndex, x, length));
		}
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.target.setUnicodeStream(parameterIndex, x, length);
		if (this.recording) {
			record((statement) -> statement.setUnicodeStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
		this.target.setBinaryStream(parameterIndex, x, length);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterIndex, x, length));
		}
	}

	@Override
	public void clearParameters() throws SQLException {
		this.target.clearParameters();
		if (this.recording) {
			record((statement) -> statement.clearParameters());
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
		this.target.setObject(parameterIndex, x, targetSqlType);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterIndex, x, targetSqlType));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x) throws SQLException {
		this.target.setObject(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterIndex, x));
		}
	}

	@Override
	public void addBatch() throws SQLException {
		this.target.addBatch();
		if (this.recording) {
			record((statement) -> statement.addBatch());
		}
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
		this.target.setCharacterStream(parameterIndex, reader, length);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterIndex, reader, length));
		}
	}

	@Override
	public void setRef(int parameterIndex, Ref x) throws SQLException {
		this.target.setRef(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setRef(parameterIndex, x));
		}
	}

	@Override
	public void setBlob(int parameterIndex, Blob x) throws SQLException {
		this.target.setBlob(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterIndex, x));
		}
	}

	@Override
	public void setClob(int parameterIndex, Clob x) throws SQLException {
		this.target.setClob(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterIndex, x));
		}
	}

	@Override
	public void setArray(int parameterIndex, Array x) throws SQLException {
		this.target.setArray(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setArray(parameterIndex, x));
		}
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.target.getMetaData();
	}

	@Override
	public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
		this.target.setDate(parameterIndex, x, cal);
		if (this.recording) {
			record((statement) -> statement.setDate(parameterIndex, x, cal));
		}
	}

	@Override
	public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
		this.target.setTime(parameterIndex, x, cal);
		if (this.recording) {
			record((statement) -> statement.setTime(parameterIndex, x, cal));
		}
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
		this.target.setTimestamp(parameterIndex, x, cal);
		if (this.recording) {
			record((statement) -> statement.setTimestamp(parameterIndex, x, cal));
		}
	}

	@Override
	public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
		this.target.setNull(parameterIndex, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.setNull(parameterIndex, sqlType, typeName));
		}
	}

	@Override
	public void setURL(int parameterIndex, URL x) throws SQLException {
		this.target.setURL(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setURL(parameterIndex, x));
		}
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		return this.target.getParameterMetaData();
	}

	@Override
	public void setRowId(int parameterIndex, RowId x) throws SQLException {
		this.target.setRowId(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setRowId(parameterIndex, x));
		}
	}

	@Override
	public void setNString(int parameterIndex, String value) throws SQLException {
		this.target.setNString(parameterIndex, value);
		if (this.recording) {
			record((statement) -> statement.setNString(parameterIndex, value));
		}
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
		this.target.setNCharacterStream(parameterIndex, value, length);
		if (this.recording) {
			record((statement) -> statement.setNCharacterStream(parameterIndex, value, length));
		}
	}

	@Override
	public void setNClob(int parameterIndex, NClob value) throws SQLException {
		this.target.setNClob(parameterIndex, value);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterIndex, value));
		}
	}

	@Override
	public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
		this.target.setClob(parameterIndex, reader, length);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterIndex, reader, length));
		}
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
		this.target.setBlob(parameterIndex, inputStream, length);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterIndex, inputStream, length));
		}
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
		this.target.setNClob(parameterIndex, reader, length);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterIndex, reader, length));
		}
	}

	@Override
	public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
		this.target.setSQLXML(parameterIndex, xmlObject);
		if (this.recording) {
			record((statement) -> statement.setSQLXML(parameterIndex, xmlObject));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
		this.target.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterIndex, x, targetSqlType, scaleOrLength));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
		this.target.setAsciiStream(parameterIndex, x, length);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
		this.target.setBinaryStream(parameterIndex, x, length);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
		this.target.setCharacterStream(parameterIndex, reader, length);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterIndex, reader, length));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
		this.target.setAsciiStream(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterIndex, x));
		}
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
		this.target.setBinaryStream(parameterIndex, x);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterIndex, x));
		}
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
		this.target.setCharacterStream(parameterIndex, reader);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterIndex, reader));
		}
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
		this.target.setNCharacterStream(parameterIndex, value);
		if (this.recording) {
			record((statement) -> statement.setNCharacterStream(parameterIndex, value));
		}
	}

	@Override
	public void setClob(int parameterIndex, Reader reader) throws SQLException {
		this.target.setClob(parameterIndex, reader);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterIndex, reader));
		}
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
		this.target.setBlob(parameterIndex, inputStream);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterIndex, inputStream));
		}
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader) throws SQLException {
		this.target.setNClob(parameterIndex, reader);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterIndex, reader));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		this.target.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterIndex, x, targetSqlType, scaleOrLength));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
		this.target.setObject(parameterIndex, x, targetSqlType);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterIndex, x, targetSqlType));
		}
	}

}
