package io.github.rwrouting.routing;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A callable statement of a {@link RoutedConnection}; see {@link RoutedStatement}.
 *
 * @author rw-routing
 */
final class RoutedCallableStatement extends RoutedPreparedStatement<CallableStatement> implements CallableStatement {

	RoutedCallableStatement(RoutedConnection connection, RouteDecision decision, CallableStatement target,
			String sql, StatementFactory<CallableStatement> factory, @Nullable Connection routedAlone,
			boolean sqlReads) {
		super(connection, decision, target, sql, factory, routedAlone, sqlReads);
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType, int scale) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType, scale);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType, scale));
		}
	}

	@Override
	public boolean wasNull() throws SQLException {
		return this.target.wasNull();
	}

	@Override
	public String getString(int parameterIndex) throws SQLException {
		return this.target.getString(parameterIndex);
	}

	@Override
	public boolean getBoolean(int parameterIndex) throws SQLException {
		return this.target.getBoolean(parameterIndex);
	}

	@Override
	public byte getByte(int parameterIndex) throws SQLException {
		return this.target.getByte(parameterIndex);
	}

	@Override
	public short getShort(int parameterIndex) throws SQLException {
		return this.target.getShort(parameterIndex);
	}

	@Override
	public int getInt(int parameterIndex) throws SQLException {
		return this.target.getInt(parameterIndex);
	}

	@Override
	public long getLong(int parameterIndex) throws SQLException {
		return this.target.getLong(parameterIndex);
	}

	@Override
	public float getFloat(int parameterIndex) throws SQLException {
		return this.target.getFloat(parameterIndex);
	}

	@Override
	public double getDouble(int parameterIndex) throws SQLException {
		return this.target.getDouble(parameterIndex);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(int parameterIndex, int scale) throws SQLException {
		return this.target.getBigDecimal(parameterIndex, scale);
	}

	@Override
	public byte[] getBytes(int parameterIndex) throws SQLException {
		return this.target.getBytes(parameterIndex);
	}

	@Override
	public Date getDate(int parameterIndex) throws SQLException {
		return this.target.getDate(parameterIndex);
	}

	@Override
	public Time getTime(int parameterIndex) throws SQLException {
		return this.target.getTime(parameterIndex);
	}

	@Override
	public Timestamp getTimestamp(int parameterIndex) throws SQLException {
		return this.target.getTimestamp(parameterIndex);
	}

	@Override
	public Object getObject(int parameterIndex) throws SQLException {
		return this.target.getObject(parameterIndex);
	}

	@Override
	public BigDecimal getBigDecimal(int parameterIndex) throws SQLException {
		return this.target.getBigDecimal(parameterIndex);
	}

	@Override
	public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
		return this.target.getObject(parameterIndex, map);
	}

	@Override
	public Ref getRef(int parameterIndex) throws SQLException {
		return this.target.getRef(parameterIndex);
	}

	@Override
	public Blob getBlob(int parameterIndex) throws SQLException {
		return this.target.getBlob(parameterIndex);
	}

	@Override
	public Clob getClob(int parameterIndex) throws SQLException {
		return this.target.getClob(parameterIndex);
	}

	@Override
	public Array getArray(int parameterIndex) throws SQLException {
		return this.target.getArray(parameterIndex);
	}

	@Override
	public Date getDate(int parameterIndex, Calendar cal) throws SQLException {
		return this.target.getDate(parameterIndex, cal);
	}

	@Override
	public Time getTime(int parameterIndex, Calendar cal) throws SQLException {
		return this.target.getTime(parameterIndex, cal);
	}

	@Override
	public Timestamp getTimestamp(int parameterIndex, Calendar cal) throws SQLException {
		return this.target.getTimestamp(parameterIndex, cal);
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType, String typeName) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType, typeName));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType, int scale) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType, scale);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType, String typeName) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType, typeName));
		}
	}

	@Override
	public URL getURL(int parameterIndex) throws SQLException {
		return this.target.getURL(parameterIndex);
	}

	@Override
	public void setURL(String parameterName, URL val) throws SQLException {
		this.target.setURL(parameterName, val);
		if (this.recording) {
			record((statement) -> statement.setURL(parameterName, val));
		}
	}

	@Override
	public void setNull(String parameterName, int sqlType) throws SQLException {
		this.target.setNull(parameterName, sqlType);
		if (this.recording) {
			record((statement) -> statement.setNull(parameterName, sqlType));
		}
	}

	@Override
	public void setBoolean(String parameterName, boolean x) throws SQLException {
		this.target.setBoolean(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setBoolean(parameterName, x));
		}
	}

	@Override
	public void setByte(String parameterName, byte x) throws SQLException {
		this.target.setByte(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setByte(parameterName, x));
		}
	}

	@Override
	public void setShort(String parameterName, short x) throws SQLException {
		this.target.setShort(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setShort(parameterName, x));
		}
	}

	@Override
	public void setInt(String parameterName, int x) throws SQLException {
		this.target.setInt(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setInt(parameterName, x));
		}
	}

	@Override
	public void setLong(String parameterName, long x) throws SQLException {
		this.target.setLong(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setLong(parameterName, x));
		}
	}

	@Override
	public void setFloat(String parameterName, float x) throws SQLException {
		this.target.setFloat(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setFloat(parameterName, x));
		}
	}

	@Override
	public void setDouble(String parameterName, double x) throws SQLException {
		this.target.setDouble(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setDouble(parameterName, x));
		}
	}

	@Override
	public void setBigDecimal(String parameterName, BigDecimal x) throws SQLException {
		this.target.setBigDecimal(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setBigDecimal(parameterName, x));
		}
	}

	@Override
	public void setString(String parameterName, String x) throws SQLException {
		this.target.setString(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setString(parameterName, x));
		}
	}

	@Override
	public void setBytes(String parameterName, byte[] x) throws SQLException {
		this.target.setBytes(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setBytes(parameterName, x));
		}
	}

	@Override
	public void setDate(String parameterName, Date x) throws SQLException {
		this.target.setDate(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setDate(parameterName, x));
		}
	}

	@Override
	public void setTime(String parameterName, Time x) throws SQLException {
		this.target.setTime(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setTime(parameterName, x));
		}
	}

	@Override
	public void setTimestamp(String parameterName, Timestamp x) throws SQLException {
		this.target.setTimestamp(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setTimestamp(parameterName, x));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x, int length) throws SQLException {
		this.target.setAsciiStream(parameterName, x, length);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterName, x, length));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x, int length) throws SQLException {
		this.target.setBinaryStream(parameterName, x, length);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterName, x, length));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, int targetSqlType, int scale) throws SQLException {
		this.target.setObject(parameterName, x, targetSqlType, scale);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterName, x, targetSqlType, scale));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, int targetSqlType) throws SQLException {
		this.target.setObject(parameterName, x, targetSqlType);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterName, x, targetSqlType));
		}
	}

	@Override
	public void setObject(String parameterName, Object x) throws SQLException {
		this.target.setObject(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterName, x));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader, int length) throws SQLException {
		this.target.setCharacterStream(parameterName, reader, length);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterName, reader, length));
		}
	}

	@Override
	public void setDate(String parameterName, Date x, Calendar cal) throws SQLException {
		this.target.setDate(parameterName, x, cal);
		if (this.recording) {
			record((statement) -> statement.setDate(parameterName, x, cal));
		}
	}

	@Override
	public void setTime(String parameterName, Time x, Calendar cal) throws SQLException {
		this.target.setTime(parameterName, x, cal);
		if (this.recording) {
			record((statement) -> statement.setTime(parameterName, x, cal));
		}
	}

	@Override
	public void setTimestamp(String parameterName, Timestamp x, Calendar cal) throws SQLException {
		this.target.setTimestamp(parameterName, x, cal);
		if (this.recording) {
			record((statement) -> statement.setTimestamp(parameterName, x, cal));
		}
	}

	@Override
	public void setNull(String parameterName, int sqlType, String typeName) throws SQLException {
		this.target.setNull(parameterName, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.setNull(parameterName, sqlType, typeName));
		}
	}

	@Override
	public String getString(String parameterName) throws SQLException {
		return this.target.getString(parameterName);
	}

	@Override
	public boolean getBoolean(String parameterName) throws SQLException {
		return this.target.getBoolean(parameterName);
	}

	@Override
	public byte getByte(String parameterName) throws SQLException {
		return this.target.getByte(parameterName);
	}

	@Override
	public short getShort(String parameterName) throws SQLException {
		return this.target.getShort(parameterName);
	}

	@Override
	public int getInt(String parameterName) throws SQLException {
		return this.target.getInt(parameterName);
	}

	@Override
	public long getLong(String parameterName) throws SQLException {
		return this.target.getLong(parameterName);
	}

	@Override
	public float getFloat(String parameterName) throws SQLException {
		return this.target.getFloat(parameterName);
	}

	@Override
	public double getDouble(String parameterName) throws SQLException {
		return this.target.getDouble(parameterName);
	}

	@Override
	public byte[] getBytes(String parameterName) throws SQLException {
		return this.target.getBytes(parameterName);
	}

	@Override
	public Date getDate(String parameterName) throws SQLException {
		return this.target.getDate(parameterName);
	}

	@Override
	public Time getTime(String parameterName) throws SQLException {
		return this.target.getTime(parameterName);
	}

	@Override
	public Timestamp getTimestamp(String parameterName) throws SQLException {
		return this.target.getTimestamp(parameterName);
	}

	@Override
	public Object getObject(String parameterName) throws SQLException {
		return this.target.getObject(parameterName);
	}

	@Override
	public BigDecimal getBigDecimal(String parameterName) throws SQLException {
		return this.target.getBigDecimal(parameterName);
	}

	@Override
	public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
		return this.target.getObject(parameterName, map);
	}

	@Override
	public Ref getRef(String parameterName) throws SQLException {
		return this.target.getRef(parameterName);
	}

	@Override
	public Blob getBlob(String parameterName) throws SQLException {
		return this.target.getBlob(parameterName);
	}

	@Override
	public Clob getClob(String parameterName) throws SQLException {
		return this.target.getClob(parameterName);
	}

	@Override
	public Array getArray(String parameterName) throws SQLException {
		return this.target.getArray(parameterName);
	}

	@Override
	public Date getDate(String parameterName, Calendar cal) throws SQLException {
		return this.target.getDate(parameterName, cal);
	}

	@Override
	public Time getTime(String parameterName, Calendar cal) throws SQLException {
		return this.target.getTime(parameterName, cal);
	}

	@Override
	public Timestamp getTimestamp(String parameterName, Calendar cal) throws SQLException {
		return this.target.getTimestamp(parameterName, cal);
	}

	@Override
	public URL getURL(String parameterName) throws SQLException {
		return this.target.getURL(parameterName);
	}

	@Override
	public RowId getRowId(int parameterIndex) throws SQLException {
		return this.target.getRowId(parameterIndex);
	}

	@Override
	public RowId getRowId(String parameterName) throws SQLException {
		return this.target.getRowId(parameterName);
	}

	@Override
	public void setRowId(String parameterName, RowId x) throws SQLException {
		this.target.setRowId(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setRowId(parameterName, x));
		}
	}

	@Override
	public void setNString(String parameterName, String value) throws SQLException {
		this.target.setNString(parameterName, value);
		if (this.recording) {
			record((statement) -> statement.setNString(parameterName, value));
		}
	}

	@Override
	public void setNCharacterStream(String parameterName, Reader value, long length) throws SQLException {
		this.target.setNCharacterStream(parameterName, value, length);
		if (this.recording) {
			record((statement) -> statement.setNCharacterStream(parameterName, value, length));
		}
	}

	@Override
	public void setNClob(String parameterName, NClob value) throws SQLException {
		this.target.setNClob(parameterName, value);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterName, value));
		}
	}

	@Override
	public void setClob(String parameterName, Reader reader, long length) throws SQLException {
		this.target.setClob(parameterName, reader, length);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterName, reader, length));
		}
	}

	@Override
	public void setBlob(String parameterName, InputStream inputStream, long length) throws SQLException {
		this.target.setBlob(parameterName, inputStream, length);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterName, inputStream, length));
		}
	}

	@Override
	public void setNClob(String parameterName, Reader reader, long length) throws SQLException {
		this.target.setNClob(parameterName, reader, length);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterName, reader, length));
		}
	}

	@Override
	public NClob getNClob(int parameterIndex) throws SQLException {
		return this.target.getNClob(parameterIndex);
	}

	@Override
	public NClob getNClob(String parameterName) throws SQLException {
		return this.target.getNClob(parameterName);
	}

	@Override
	public void setSQLXML(String parameterName, SQLXML xmlObject) throws SQLException {
		this.target.setSQLXML(parameterName, xmlObject);
		if (this.recording) {
			record((statement) -> statement.setSQLXML(parameterName, xmlObject));
		}
	}

	@Override
	public SQLXML getSQLXML(int parameterIndex) throws SQLException {
		return this.target.getSQLXML(parameterIndex);
	}

	@Override
	public SQLXML getSQLXML(String parameterName) throws SQLException {
		return this.target.getSQLXML(parameterName);
	}

	@Override
	public String getNString(int parameterIndex) throws SQLException {
		return this.target.getNString(parameterIndex);
	}

	@Override
	public String getNString(String parameterName) throws SQLException {
		return this.target.getNString(parameterName);
	}

	@Override
	public Reader getNCharacterStream(int parameterIndex) throws SQLException {
		return this.target.getNCharacterStream(parameterIndex);
	}

	@Override
	public Reader getNCharacterStream(String parameterName) throws SQLException {
		return this.target.getNCharacterStream(parameterName);
	}

	@Override
	public Reader getCharacterStream(int parameterIndex) throws SQLException {
		return this.target.getCharacterStream(parameterIndex);
	}

	@Override
	public Reader getCharacterStream(String parameterName) throws SQLException {
		return this.target.getCharacterStream(parameterName);
	}

	@Override
	public void setBlob(String parameterName, Blob x) throws SQLException {
		this.target.setBlob(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterName, x));
		}
	}

	@Override
	public void setClob(String parameterName, Clob x) throws SQLException {
		this.target.setClob(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterName, x));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x, long length) throws SQLException {
		this.target.setAsciiStream(parameterName, x, length);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterName, x, length));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x, long length) throws SQLException {
		this.target.setBinaryStream(parameterName, x, length);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterName, x, length));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader, long length) throws SQLException {
		this.target.setCharacterStream(parameterName, reader, length);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterName, reader, length));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x) throws SQLException {
		this.target.setAsciiStream(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setAsciiStream(parameterName, x));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x) throws SQLException {
		this.target.setBinaryStream(parameterName, x);
		if (this.recording) {
			record((statement) -> statement.setBinaryStream(parameterName, x));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader) throws SQLException {
		this.target.setCharacterStream(parameterName, reader);
		if (this.recording) {
			record((statement) -> statement.setCharacterStream(parameterName, reader));
		}
	}

	@Override
	public void setNCharacterStream(String parameterName, Reader value) throws SQLException {
		this.target.setNCharacterStream(parameterName, value);
		if (this.recording) {
			record((statement) -> statement.setNCharacterStream(parameterName, value));
		}
	}

	@Override
	public void setClob(String parameterName, Reader reader) throws SQLException {
		this.target.setClob(parameterName, reader);
		if (this.recording) {
			record((statement) -> statement.setClob(parameterName, reader));
		}
	}

	@Override
	public void setBlob(String parameterName, InputStream inputStream) throws SQLException {
		this.target.setBlob(parameterName, inputStream);
		if (this.recording) {
			record((statement) -> statement.setBlob(parameterName, inputStream));
		}
	}

	@Override
	public void setNClob(String parameterName, Reader reader) throws SQLException {
		this.target.setNClob(parameterName, reader);
		if (this.recording) {
			record((statement) -> statement.setNClob(parameterName, reader));
		}
	}

	@Override
	public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
		return this.target.getObject(parameterIndex, type);
	}

	@Override
	public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
		return this.target.getObject(parameterName, type);
	}

	@Override
	public void setObject(String parameterName, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		this.target.setObject(parameterName, x, targetSqlType, scaleOrLength);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterName, x, targetSqlType, scaleOrLength));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, SQLType targetSqlType) throws SQLException {
		this.target.setObject(parameterName, x, targetSqlType);
		if (this.recording) {
			record((statement) -> statement.setObject(parameterName, x, targetSqlType));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType, int scale) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType, scale);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType, String typeName) throws SQLException {
		this.target.registerOutParameter(parameterIndex, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterIndex, sqlType, typeName));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType, int scale) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType, scale);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType, String typeName) throws SQLException {
		this.target.registerOutParameter(parameterName, sqlType, typeName);
		if (this.recording) {
			record((statement) -> statement.registerOutParameter(parameterName, sqlType, typeName));
		}
	}
}
