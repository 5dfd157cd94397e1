package io.relspec.compiler.lineage;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.SqlCompileException;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.ColumnLineage.Origin;
import io.relspec.contracts.api.ColumnLineage.Subtype;
import io.relspec.contracts.model.DatasetName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;

/**
 * Column lineage of a validated plan, in the OpenLineage vocabulary. Each plan node yields, per
 * output field, the source columns it is computed from, and for the node as a whole the columns
 * that decide which rows exist (filters, join conditions, group keys, sort keys, the columns of a
 * UNION that removes duplicates), which apply to every output column.
 *
 * <p>Required columns are exactly the columns the result depends on: those the output columns are
 * computed from and those that decide rows. A column a sub-plan merely passes along (Calcite
 * projects every column of an input under a join whose condition holds an expression, say) is not
 * required unless something above it reads it.
 */
public final class LineageAnalyzer {
  private static final Set<SqlKind> VALUE_WINDOW_FUNCTIONS =
      Set.of(SqlKind.LAG, SqlKind.LEAD, SqlKind.FIRST_VALUE, SqlKind.LAST_VALUE, SqlKind.NTH_VALUE);

  private final Deadline deadline;
  private final Map<CorrelationId, List<Set<Origin>>> correlations = new HashMap<>();
  private final Set<Origin> referenced = new HashSet<>();

  public LineageAnalyzer(Deadline deadline) {
    this.deadline = deadline;
  }

  /** Lineage per output column, and the required columns per input. */
  public record Result(List<ColumnLineage> columns, Map<DatasetName, Set<String>> required) {}

  /** What one plan node yields: origins per field, and row-deciding origins of the subtree. */
  private record Node(List<Set<Origin>> fields, Set<Origin> indirect) {}

  public Result analyze(RelNode root, List<String> outputNames) throws SqlCompileException {
    Node node = visit(root);
    List<ColumnLineage> columns = new ArrayList<>();
    for (int i = 0; i < outputNames.size(); i++) {
      Set<Origin> origins = new HashSet<>(node.fields().get(i));
      origins.addAll(node.indirect());
      referenced.addAll(origins);
      columns.add(new ColumnLineage(outputNames.get(i), new ArrayList<>(origins)));
    }
    referenced.addAll(node.indirect());
    Map<DatasetName, Set<String>> required = new TreeMap<>();
    for (Origin origin : referenced) {
      required.computeIfAbsent(origin.dataset(), key -> new TreeSet<>()).add(origin.column());
    }
    return new Result(columns, required);
  }

  private Node visit(RelNode rel) throws SqlCompileException {
    deadline.check();
    return switch (rel) {
      case TableScan scan -> scan(scan);
      case Project project -> project(project);
      case Filter filter -> filter(filter);
      case Join join -> join(join);
      case Correlate correlate -> correlate(correlate);
      case Aggregate aggregate -> aggregate(aggregate);
      case Sort sort -> sort(sort);
      case SetOp setOp -> setOp(setOp);
      case Values values -> new Node(empty(values.getRowType().getFieldCount()), Set.of());
      default ->
          throw new SqlCompileException(
              CompilerErrorCode.INVALID_QUERY,
              "lineage of " + rel.getRelTypeName() + " is not supported",
              null,
              null);
    };
  }

  private Node scan(TableScan scan) {
    DatasetName dataset = DatasetName.of(String.join(".", scan.getTable().getQualifiedName()));
    List<Set<Origin>> fields = new ArrayList<>();
    for (String column : scan.getRowType().getFieldNames()) {
      fields.add(Set.of(Origin.of(dataset, column, Subtype.IDENTITY)));
    }
    return new Node(fields, Set.of());
  }

  private Node project(Project project) throws SqlCompileException {
    Node input = visit(project.getInput());
    register(project.getVariablesSet(), input.fields());
    List<Set<Origin>> fields = new ArrayList<>();
    for (RexNode expression : project.getProjects()) {
      fields.add(origins(expression, input.fields()));
    }
    return new Node(fields, input.indirect());
  }

  private Node filter(Filter filter) throws SqlCompileException {
    Node input = visit(filter.getInput());
    register(filter.getVariablesSet(), input.fields());
    Set<Origin> indirect = new HashSet<>(input.indirect());
    indirect.addAll(as(origins(filter.getCondition(), input.fields()), Subtype.FILTER));
    return new Node(input.fields(), indirect);
  }

  private Node join(Join join) throws SqlCompileException {
    Node left = visit(join.getLeft());
    Node right = visit(join.getRight());
    List<Set<Origin>> both = new ArrayList<>(left.fields());
    both.addAll(right.fields());
    register(join.getVariablesSet(), both);
    Set<Origin> indirect = new HashSet<>(left.indirect());
    indirect.addAll(right.indirect());
    indirect.addAll(as(origins(join.getCondition(), both), Subtype.JOIN));
    return new Node(join.getJoinType().projectsRight() ? both : left.fields(), indirect);
  }

  private Node correlate(Correlate correlate) throws SqlCompileException {
    Node left = visit(correlate.getLeft());
    correlations.put(correlate.getCorrelationId(), left.fields());
    Node right = visit(correlate.getRight());
    Set<Origin> indirect = new HashSet<>(left.indirect());
    indirect.addAll(right.indirect());
    for (int key : correlate.getRequiredColumns()) {
      indirect.addAll(as(left.fields().get(key), Subtype.JOIN));
      referenced.addAll(left.fields().get(key));
    }
    List<Set<Origin>> fields = new ArrayList<>(left.fields());
    if (correlate.getJoinType().projectsRight()) {
      fields.addAll(right.fields());
    }
    return new Node(fields, indirect);
  }

  private Node aggregate(Aggregate aggregate) throws SqlCompileException {
    Node input = visit(aggregate.getInput());
    Set<Origin> indirect = new HashSet<>(input.indirect());
    List<Set<Origin>> fields = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      Set<Origin> origins = input.fields().get(key);
      fields.add(origins);
      indirect.addAll(as(origins, Subtype.GROUP_BY));
    }
    for (AggregateCall call : aggregate.getAggCallList()) {
      Set<Origin> origins = new HashSet<>();
      for (int argument : call.getArgList()) {
        origins.addAll(direct(input.fields().get(argument), Subtype.AGGREGATION));
      }
      if (call.filterArg >= 0) {
        origins.addAll(as(input.fields().get(call.filterArg), Subtype.FILTER));
      }
      for (RelFieldCollation collation : call.getCollation().getFieldCollations()) {
        origins.addAll(as(input.fields().get(collation.getFieldIndex()), Subtype.SORT));
      }
      fields.add(origins);
    }
    return new Node(fields, indirect);
  }

  private Node sort(Sort sort) throws SqlCompileException {
    Node input = visit(sort.getInput());
    Set<Origin> indirect = new HashSet<>(input.indirect());
    for (RelFieldCollation collation : sort.getCollation().getFieldCollations()) {
      indirect.addAll(as(input.fields().get(collation.getFieldIndex()), Subtype.SORT));
    }
    return new Node(input.fields(), indirect);
  }

  private Node setOp(SetOp setOp) throws SqlCompileException {
    int width = setOp.getRowType().getFieldCount();
    List<Set<Origin>> fields = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      fields.add(new HashSet<>());
    }
    Set<Origin> indirect = new HashSet<>();
    boolean filtering = setOp instanceof Minus || setOp instanceof Intersect;
    List<RelNode> inputs = setOp.getInputs();
    for (int n = 0; n < inputs.size(); n++) {
      Node input = visit(inputs.get(n));
      indirect.addAll(input.indirect());
      for (int i = 0; i < width; i++) {
        if (filtering && n > 0) {
          indirect.addAll(as(input.fields().get(i), Subtype.FILTER));
        } else {
          fields.get(i).addAll(input.fields().get(i));
        }
      }
    }
    if (!setOp.all) {
      // Removing duplicates compares whole rows: every column decides which rows remain.
      for (Set<Origin> field : fields) {
        indirect.addAll(as(field, Subtype.GROUP_BY));
      }
    }
    return new Node(fields, indirect);
  }

  private void register(Set<CorrelationId> variables, List<Set<Origin>> fields) {
    for (CorrelationId id : variables) {
      correlations.put(id, fields);
    }
  }

  /**
   * The origins of one expression over the input fields. The row-deciding columns inside its
   * sub-queries are required at once; the expression's own origins only once something reads it.
   */
  private Set<Origin> origins(RexNode expression, List<Set<Origin>> input)
      throws SqlCompileException {
    return expressionOrigins(expression, input);
  }

  private Set<Origin> expressionOrigins(RexNode expression, List<Set<Origin>> input)
      throws SqlCompileException {
    switch (expression) {
      case RexInputRef ref -> {
        return input.get(ref.getIndex());
      }
      case RexFieldAccess access
          when access.getReferenceExpr() instanceof RexCorrelVariable variable -> {
        List<Set<Origin>> outer = correlations.get(variable.id);
        return outer == null ? Set.of() : outer.get(access.getField().getIndex());
      }
      case RexSubQuery subQuery -> {
        Node sub = visit(subQuery.rel);
        Set<Origin> result = new HashSet<>();
        for (RexNode operand : subQuery.getOperands()) {
          result.addAll(origins(operand, input));
        }
        if (subQuery.getKind() != SqlKind.EXISTS) {
          // EXISTS only asks whether rows exist: the sub-query's own filters decide that
          for (Set<Origin> field : sub.fields()) {
            result.addAll(field);
          }
        }
        referenced.addAll(sub.indirect());
        if (subQuery.getKind() == SqlKind.SCALAR_QUERY) {
          result.addAll(sub.indirect());
          return direct(result, Subtype.TRANSFORMATION);
        }
        result.addAll(sub.indirect());
        return as(result, Subtype.FILTER);
      }
      case RexOver over -> {
        Set<Origin> result = new HashSet<>();
        // LAG, LEAD and the value functions copy a value of another row; SUM, COUNT … aggregate
        boolean aggregating =
            over.getOperator().isAggregator()
                && !VALUE_WINDOW_FUNCTIONS.contains(over.getOperator().getKind());
        for (RexNode operand : over.getOperands()) {
          result.addAll(
              direct(
                  origins(operand, input),
                  aggregating ? Subtype.AGGREGATION : Subtype.TRANSFORMATION));
        }
        for (RexNode key : over.getWindow().partitionKeys) {
          result.addAll(as(origins(key, input), Subtype.WINDOW));
        }
        for (var key : over.getWindow().orderKeys) {
          result.addAll(as(origins(key.getKey(), input), Subtype.WINDOW));
        }
        return result;
      }
      case RexCall call when call.getKind() == SqlKind.CASE -> {
        Set<Origin> result = new HashSet<>();
        List<RexNode> operands = call.getOperands();
        for (int i = 0; i < operands.size(); i++) {
          Set<Origin> origins = origins(operands.get(i), input);
          boolean condition = i < operands.size() - 1 && i % 2 == 0;
          result.addAll(
              condition
                  ? as(origins, Subtype.CONDITIONAL)
                  : direct(origins, Subtype.TRANSFORMATION));
        }
        return result;
      }
      case RexCall call -> {
        Set<Origin> result = new HashSet<>();
        for (RexNode operand : call.getOperands()) {
          result.addAll(origins(operand, input));
        }
        return direct(result, Subtype.TRANSFORMATION);
      }
      case RexFieldAccess access -> {
        return direct(origins(access.getReferenceExpr(), input), Subtype.TRANSFORMATION);
      }
      default -> {
        return Set.of();
      }
    }
  }

  /** Direct origins become at least {@code subtype}; indirect ones stay as they are. */
  private static Set<Origin> direct(Set<Origin> origins, Subtype subtype) {
    Set<Origin> result = new HashSet<>();
    for (Origin origin : origins) {
      if (origin.type() == ColumnLineage.Type.DIRECT
          && origin.subtype().ordinal() < subtype.ordinal()) {
        result.add(Origin.of(origin.dataset(), origin.column(), subtype));
      } else {
        result.add(origin);
      }
    }
    return result;
  }

  /** Every origin becomes the indirect {@code subtype}: the columns decide rows, not values. */
  private static Set<Origin> as(Set<Origin> origins, Subtype subtype) {
    Set<Origin> result = new HashSet<>();
    for (Origin origin : origins) {
      result.add(Origin.of(origin.dataset(), origin.column(), subtype));
    }
    return result;
  }

  private static List<Set<Origin>> empty(int width) {
    List<Set<Origin>> fields = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      fields.add(Set.of());
    }
    return fields;
  }
}
