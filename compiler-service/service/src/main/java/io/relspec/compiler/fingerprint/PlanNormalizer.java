package io.relspec.compiler.fingerprint;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.SqlCompileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Writes a validated plan in a canonical text form, the input of the fingerprint. Field names
 * inside the plan never appear (inputs are positional), so table and column aliases do not matter;
 * WITH items are already inlined by conversion, so a CTE and the same inline sub-query print alike;
 * chains of projections are composed and identity projections dropped; the operands of commutative
 * operators are sorted and {@code >}/{@code >=} are written as {@code <}/{@code <=}. Literals carry
 * their type, so {@code 1} and {@code 1.0} differ. The output column names and types close the
 * text.
 *
 * <p>A scan is written with the columns the query reads of it, by name and type, and positions
 * above it count those columns only (the plan is first trimmed to the fields it uses): a column the
 * query does not read can be added to, dropped from or moved in a contract or an upstream output
 * without changing the text, so such a change re-runs only the tasks that read the column.
 */
public final class PlanNormalizer {
  private static final Set<SqlKind> COMMUTATIVE =
      Set.of(
          SqlKind.EQUALS,
          SqlKind.NOT_EQUALS,
          SqlKind.PLUS,
          SqlKind.TIMES,
          SqlKind.IS_DISTINCT_FROM,
          SqlKind.IS_NOT_DISTINCT_FROM);

  private final Deadline deadline;
  private final Set<String> functions = new TreeSet<>();

  public PlanNormalizer(Deadline deadline) {
    this.deadline = deadline;
  }

  /** The canonical text and the catalog functions the plan (untrimmed) calls. */
  public record Normalized(String text, List<String> functions) {}

  public Normalized normalize(RelNode rel, RelDataType output) throws SqlCompileException {
    // The functions are those of the whole plan, as it runs: a view may call one to compute a
    // column this query does not read, and the executor still has to define it.
    node(rel, 0, new StringBuilder());
    StringBuilder text = new StringBuilder();
    node(trimmed(rel), 0, text);
    text.append("output:");
    for (RelDataTypeField field : output.getFieldList()) {
      text.append(' ')
          .append(field.getName())
          .append(' ')
          .append(field.getType().getFullTypeString())
          .append(';');
    }
    text.append('\n');
    return new Normalized(text.toString(), List.copyOf(functions));
  }

  /**
   * The query split at its final projection: the canonical text of the rows it produces (everything
   * below the projection) and, per output column, the text of its expression over those rows with
   * its type. Without a final projection (an aggregate, a union on top) each column is just its
   * position, and every change shows in the row set.
   */
  public record Columns(String rowSet, List<String> columns) {}

  public Columns columns(RelNode plan, RelDataType output) throws SqlCompileException {
    RelNode rel = trimmed(plan);
    List<RexNode> projects = null;
    RelNode input = rel;
    if (rel instanceof Project project) {
      projects = project.getProjects();
      input = project.getInput();
      while (input instanceof Project inner) {
        projects = RelOptUtil.pushPastProject(projects, inner);
        input = inner.getInput();
      }
    }
    StringBuilder rowSet = new StringBuilder();
    node(input, 0, rowSet);
    List<String> columns = new ArrayList<>();
    List<RelDataTypeField> fields = output.getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      String expression = projects == null ? "$" + i : rex(projects.get(i));
      columns.add(expression + " " + fields.get(i).getType().getFullTypeString());
    }
    return new Columns(rowSet.toString(), List.copyOf(columns));
  }

  private void node(RelNode rel, int depth, StringBuilder out) throws SqlCompileException {
    deadline.check();
    if (rel instanceof Project project) {
      List<RexNode> projects = project.getProjects();
      RelNode input = project.getInput();
      while (input instanceof Project inner) {
        projects = RelOptUtil.pushPastProject(projects, inner);
        input = inner.getInput();
      }
      if (input instanceof TableScan scan) {
        // The scan narrowed to the columns the projection reads, positions counted among them.
        ImmutableBitSet read = RelOptUtil.InputFinder.bits(projects, null);
        List<RexNode> narrowed = renumbered(projects, read);
        int depthOfScan = depth;
        if (!RexUtil.isIdentity(narrowed, scanType(scan, read))) {
          line(out, depth).append("Project").append(list(narrowed)).append('\n');
          depthOfScan = depth + 1;
        }
        scan(scan, read, line(out, depthOfScan));
        out.append('\n');
        return;
      }
      if (RexUtil.isIdentity(projects, input.getRowType())) {
        node(input, depth, out);
        return;
      }
      line(out, depth).append("Project").append(list(projects)).append('\n');
      node(input, depth + 1, out);
      return;
    }
    StringBuilder line = line(out, depth);
    switch (rel) {
      case TableScan scan ->
          scan(scan, ImmutableBitSet.range(scan.getRowType().getFieldCount()), line);
      case Filter filter -> line.append("Filter[").append(rex(filter.getCondition())).append(']');
      case Join join ->
          line.append("Join[")
              .append(join.getJoinType())
              .append(", ")
              .append(rex(join.getCondition()))
              .append(']');
      case Correlate correlate ->
          line.append("Correlate[")
              .append(correlate.getJoinType())
              .append(", ")
              .append(correlate.getCorrelationId())
              .append(", ")
              .append(correlate.getRequiredColumns())
              .append(']');
      case Aggregate aggregate -> {
        line.append("Aggregate[group=").append(aggregate.getGroupSet());
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
          line.append(", sets=").append(aggregate.getGroupSets());
        }
        for (AggregateCall call : aggregate.getAggCallList()) {
          line.append(", ").append(aggregateCall(call));
        }
        line.append(']');
      }
      case Sort sort -> {
        line.append("Sort[").append(sort.getCollation());
        if (sort.offset != null) {
          line.append(", offset=").append(rex(sort.offset));
        }
        if (sort.fetch != null) {
          line.append(", fetch=").append(rex(sort.fetch));
        }
        line.append(']');
      }
      case SetOp setOp -> line.append(setOp.kind).append(setOp.all ? "[all]" : "[distinct]");
      case Values values -> {
        line.append("Values[");
        for (var tuple : values.getTuples()) {
          line.append('(');
          for (RexLiteral literal : tuple) {
            line.append(rex(literal)).append(',');
          }
          line.append(')');
        }
        line.append(']');
      }
      default ->
          throw new SqlCompileException(
              CompilerErrorCode.INVALID_QUERY,
              rel.getRelTypeName() + " cannot be fingerprinted",
              null,
              null);
    }
    out.append('\n');
    for (RelNode input : rel.getInputs()) {
      node(input, depth + 1, out);
    }
  }

  /** {@code Scan[table](name type; …)} for the columns {@code read} of the table. */
  private static void scan(TableScan scan, ImmutableBitSet read, StringBuilder line) {
    line.append("Scan[").append(String.join(".", scan.getTable().getQualifiedName())).append("](");
    List<RelDataTypeField> fields = scan.getRowType().getFieldList();
    for (int index : read) {
      line.append(fields.get(index).getName())
          .append(' ')
          .append(fields.get(index).getType().getFullTypeString())
          .append(';');
    }
    line.append(')');
  }

  private static RelDataType scanType(TableScan scan, ImmutableBitSet read) {
    var builder = scan.getCluster().getTypeFactory().builder();
    List<RelDataTypeField> fields = scan.getRowType().getFieldList();
    for (int index : read) {
      builder.add(fields.get(index));
    }
    return builder.build();
  }

  /** {@code projects} with each input position replaced by its rank among {@code read}. */
  private static List<RexNode> renumbered(List<RexNode> projects, ImmutableBitSet read) {
    RexShuttle shuttle =
        new RexShuttle() {
          @Override
          public RexNode visitInputRef(RexInputRef ref) {
            return new RexInputRef(read.indexOf(ref.getIndex()), ref.getType());
          }
        };
    return shuttle.apply(projects);
  }

  /**
   * The plan trimmed to the fields it uses (Calcite's {@link RelFieldTrimmer}: a projection of the
   * read columns over each scan), or the plan as it is where Calcite cannot trim it.
   */
  private static RelNode trimmed(RelNode rel) {
    try {
      RelNode trimmed =
          new RelFieldTrimmer(null, RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null))
              .trim(rel);
      return trimmed.getRowType().getFieldCount() == rel.getRowType().getFieldCount()
          ? trimmed
          : rel;
    } catch (RuntimeException e) {
      return rel;
    }
  }

  private String aggregateCall(AggregateCall call) throws SqlCompileException {
    StringBuilder text = new StringBuilder(call.getAggregation().getName()).append('(');
    if (call.isDistinct()) {
      text.append("DISTINCT ");
    }
    text.append(call.getArgList()).append(')');
    if (call.filterArg >= 0) {
      text.append(" FILTER $").append(call.filterArg);
    }
    if (!call.getCollation().getFieldCollations().isEmpty()) {
      text.append(" WITHIN GROUP ").append(call.getCollation());
    }
    if (call.ignoreNulls()) {
      text.append(" IGNORE NULLS");
    }
    return text.append(':').append(call.getType().getFullTypeString()).toString();
  }

  private static StringBuilder line(StringBuilder out, int depth) {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
    return out;
  }

  private String list(List<RexNode> nodes) throws SqlCompileException {
    List<String> parts = new ArrayList<>();
    for (RexNode node : nodes) {
      parts.add(rex(node));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  String rex(RexNode node) throws SqlCompileException {
    return switch (node) {
      case RexInputRef ref -> "$" + ref.getIndex();
      case RexLiteral literal -> literal + ":" + literal.getType().getFullTypeString();
      case RexDynamicParam parameter -> "?" + parameter.getIndex();
      case RexCorrelVariable variable -> variable.id.toString();
      case RexFieldAccess access ->
          rex(access.getReferenceExpr()) + ".$" + access.getField().getIndex();
      case RexSubQuery subQuery -> {
        StringBuilder sub = new StringBuilder();
        RelNode rel = subQuery.rel;
        if (subQuery.getKind() == SqlKind.EXISTS) {
          // EXISTS reads no column of its sub-query's rows: only what its filters and joins read.
          var builder = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
          rel = builder.push(rel).project(builder.literal(true)).build();
        }
        node(trimmed(rel), 2, sub);
        yield subQuery.getKind() + list(subQuery.getOperands()) + "{\n" + sub + "}";
      }
      case RexOver over ->
          over.getOperator().getName()
              + (over.isDistinct() ? "(DISTINCT " : "(")
              + String.join(", ", operands(over))
              + ") OVER ("
              + over.getWindow()
              + "):"
              + over.getType().getFullTypeString();
      case RexCall call -> call(call);
      default -> node.toString();
    };
  }

  private List<String> operands(RexCall call) throws SqlCompileException {
    List<String> operands = new ArrayList<>();
    for (RexNode operand : call.getOperands()) {
      operands.add(rex(operand));
    }
    return operands;
  }

  private String call(RexCall call) throws SqlCompileException {
    SqlKind kind = call.getKind();
    if (call.getOperator() instanceof SqlFunction function
        && function.getFunctionType() == SqlFunctionCategory.USER_DEFINED_FUNCTION) {
      functions.add(function.getName());
    }
    if (kind == SqlKind.AND || kind == SqlKind.OR) {
      List<String> operands = new ArrayList<>();
      flatten(call, kind, operands);
      operands.sort(null);
      return kind + "(" + String.join(", ", operands) + ")";
    }
    List<String> operands = operands(call);
    String name = call.getOperator().getName();
    if (COMMUTATIVE.contains(kind) && operands.size() == 2) {
      operands.sort(null);
    } else if ((kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL)
        && operands.size() == 2) {
      name = kind == SqlKind.GREATER_THAN ? "<" : "<=";
      operands = List.of(operands.get(1), operands.get(0));
    }
    String text = name + "(" + String.join(", ", operands) + ")";
    if (kind == SqlKind.CAST || call.getOperator() instanceof SqlFunction) {
      text += ":" + call.getType().getFullTypeString();
    }
    return text;
  }

  private void flatten(RexNode node, SqlKind kind, List<String> out) throws SqlCompileException {
    if (node.getKind() == kind && node instanceof RexCall call) {
      for (RexNode operand : call.getOperands()) {
        flatten(operand, kind, out);
      }
    } else {
      out.add(rex(node));
    }
  }
}
