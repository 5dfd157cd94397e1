package io.relspec.compiler.sql;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import java.util.List;

/** A task's SQL after the SELECT-only gate: the tables it reads, its fingerprint, DuckDB SQL. */
public record ParsedQuery(
    List<DatasetName> tables, Fingerprint fingerprint, String normalizedSql, String duckDbSql) {}
