package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.arrow.ArrowType.PrimitiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Arrow types of contracts and outputs to Calcite's SQL types and back. Unsigned integers widen to
 * the next signed type; every Arrow string type is VARCHAR.
 */
public final class CalciteTypes {
  private CalciteTypes() {}

  /** The row type of a dataset with this schema. */
  public static RelDataType rowType(RelDataTypeFactory factory, ArrowSchema schema) {
    RelDataTypeFactory.Builder builder = factory.builder();
    for (ArrowField field : schema.fields()) {
      builder.add(field.name(), toSql(factory, field.type(), field.nullable()));
    }
    return builder.build();
  }

  public static RelDataType toSql(RelDataTypeFactory factory, ArrowType type, boolean nullable) {
    RelDataType sql =
        switch (type) {
          case ArrowType.Primitive primitive -> primitive(factory, primitive.kind());
          case ArrowType.Timestamp timestamp ->
              factory.createSqlType(
                  timestamp.timezone() == null
                      ? SqlTypeName.TIMESTAMP
                      : SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE,
                  6);
          case ArrowType.Time time -> factory.createSqlType(SqlTypeName.TIME, 6);
          case ArrowType.Duration duration ->
              factory.createSqlIntervalType(
                  new SqlIntervalQualifier(TimeUnit.DAY, TimeUnit.SECOND, SqlParserPos.ZERO));
          case ArrowType.Decimal decimal ->
              factory.createSqlType(SqlTypeName.DECIMAL, decimal.precision(), decimal.scale());
          case ArrowType.ListOf list ->
              factory.createArrayType(toSql(factory, list.element(), true), -1);
        };
    return factory.createTypeWithNullability(sql, nullable);
  }

  private static RelDataType primitive(RelDataTypeFactory factory, PrimitiveKind kind) {
    SqlTypeName name =
        switch (kind) {
          case NULL -> SqlTypeName.NULL;
          case BOOL -> SqlTypeName.BOOLEAN;
          case INT8 -> SqlTypeName.TINYINT;
          case INT16, UINT8 -> SqlTypeName.SMALLINT;
          case INT32, UINT16 -> SqlTypeName.INTEGER;
          case INT64, UINT32 -> SqlTypeName.BIGINT;
          case UINT64 -> SqlTypeName.DECIMAL;
          case FLOAT16, FLOAT32 -> SqlTypeName.REAL;
          case FLOAT64 -> SqlTypeName.DOUBLE;
          case UTF8, LARGE_UTF8 -> SqlTypeName.VARCHAR;
          case BINARY, LARGE_BINARY -> SqlTypeName.VARBINARY;
          case DATE32, DATE64 -> SqlTypeName.DATE;
        };
    return name == SqlTypeName.DECIMAL
        ? factory.createSqlType(name, 20, 0)
        : factory.createSqlType(name);
  }

  /** The Arrow schema of a query's row type. */
  public static ArrowSchema schema(RelDataType rowType) throws SqlCompileException {
    List<ArrowField> fields = new ArrayList<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      fields.add(
          new ArrowField(
              field.getName(),
              toArrow(field.getName(), field.getType()),
              field.getType().isNullable(),
              Map.of()));
    }
    return new ArrowSchema(fields);
  }

  public static ArrowType toArrow(String column, RelDataType type) throws SqlCompileException {
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> ArrowType.primitive(PrimitiveKind.BOOL);
      case TINYINT -> ArrowType.primitive(PrimitiveKind.INT8);
      case SMALLINT -> ArrowType.primitive(PrimitiveKind.INT16);
      case INTEGER -> ArrowType.primitive(PrimitiveKind.INT32);
      case BIGINT -> ArrowType.primitive(PrimitiveKind.INT64);
      case REAL, FLOAT -> ArrowType.primitive(PrimitiveKind.FLOAT32);
      case DOUBLE -> ArrowType.primitive(PrimitiveKind.FLOAT64);
      case DECIMAL -> new ArrowType.Decimal(type.getPrecision(), Math.max(0, type.getScale()));
      case CHAR, VARCHAR -> ArrowType.primitive(PrimitiveKind.UTF8);
      case BINARY, VARBINARY -> ArrowType.primitive(PrimitiveKind.BINARY);
      case DATE -> ArrowType.primitive(PrimitiveKind.DATE32);
      case TIME -> new ArrowType.Time(ArrowType.TimeUnit.MICROSECOND);
      case TIMESTAMP -> new ArrowType.Timestamp(ArrowType.TimeUnit.MICROSECOND, null);
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
          new ArrowType.Timestamp(ArrowType.TimeUnit.MICROSECOND, "UTC");
      case NULL -> ArrowType.primitive(PrimitiveKind.NULL);
      case INTERVAL_DAY,
          INTERVAL_DAY_HOUR,
          INTERVAL_DAY_MINUTE,
          INTERVAL_DAY_SECOND,
          INTERVAL_HOUR,
          INTERVAL_HOUR_MINUTE,
          INTERVAL_HOUR_SECOND,
          INTERVAL_MINUTE,
          INTERVAL_MINUTE_SECOND,
          INTERVAL_SECOND ->
          new ArrowType.Duration(ArrowType.TimeUnit.MICROSECOND);
      case ARRAY -> new ArrowType.ListOf(toArrow(column, type.getComponentType()));
      default ->
          throw new SqlCompileException(
              CompilerErrorCode.TYPE_ERROR,
              "output column '"
                  + column
                  + "' has type "
                  + type.getFullTypeString()
                  + ", which has no Arrow equivalent",
              null,
              null);
    };
  }
}
