package io.relspec.contracts.api;

import io.relspec.contracts.model.DatasetName;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Where one output column comes from, in the OpenLineage column-lineage vocabulary: each origin is
 * a column of an input dataset, {@code DIRECT} when the output value is derived from it (identity,
 * transformation, aggregation) and {@code INDIRECT} when it only decides which rows or groups exist
 * (join, filter, group by, sort, window, conditional).
 */
public record ColumnLineage(String column, List<Origin> origins) {
  public ColumnLineage {
    Objects.requireNonNull(column, "column is null");
    origins = origins == null ? List.of() : origins.stream().distinct().sorted().toList();
  }

  /** {@code DIRECT} or {@code INDIRECT}. */
  public enum Type {
    DIRECT,
    INDIRECT
  }

  /** The OpenLineage transformation subtype; the first three are direct, the rest indirect. */
  public enum Subtype {
    IDENTITY(Type.DIRECT),
    TRANSFORMATION(Type.DIRECT),
    AGGREGATION(Type.DIRECT),
    JOIN(Type.INDIRECT),
    FILTER(Type.INDIRECT),
    GROUP_BY(Type.INDIRECT),
    SORT(Type.INDIRECT),
    WINDOW(Type.INDIRECT),
    CONDITIONAL(Type.INDIRECT);

    private final Type type;

    Subtype(Type type) {
      this.type = type;
    }

    public Type type() {
      return type;
    }
  }

  /** One source column of an output column and how it contributes. */
  public record Origin(DatasetName dataset, String column, Type type, Subtype subtype)
      implements Comparable<Origin> {
    private static final Comparator<Origin> ORDER =
        Comparator.comparing(Origin::dataset)
            .thenComparing(Origin::column)
            .thenComparing(Origin::type)
            .thenComparing(Origin::subtype);

    public Origin {
      Objects.requireNonNull(dataset, "dataset is null");
      Objects.requireNonNull(column, "column is null");
      Objects.requireNonNull(subtype, "subtype is null");
      if (type == null) {
        type = subtype.type();
      } else if (type != subtype.type()) {
        throw new IllegalArgumentException(
            "lineage subtype " + subtype + " is " + subtype.type() + ", not " + type);
      }
    }

    public static Origin of(DatasetName dataset, String column, Subtype subtype) {
      return new Origin(dataset, column, subtype.type(), subtype);
    }

    @Override
    public int compareTo(Origin other) {
      return ORDER.compare(this, other);
    }
  }
}
