package io.relspec.scheduler.plans;

import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.platform.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** The plan catalogs this scheduler received; the newest is what runs use. */
public final class PlanCatalogStore {

  /**
   * Saves a plan catalog as the latest; false when it already was the latest. A catalog compiled
   * again (the catalog returned to an earlier snapshot) becomes the latest once more.
   */
  public boolean save(Connection connection, PlanCatalog catalog) throws SQLException {
    if (latest(connection).map(PlanCatalog::id).filter(catalog.id()::equals).isPresent()) {
      return false;
    }
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM scheduler_plan_catalog WHERE plan_catalog_id = ?")) {
      delete.setString(1, catalog.id());
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_plan_catalog (plan_catalog_id, snapshot_id, content, received_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, catalog.id());
      insert.setString(2, catalog.snapshotId());
      insert.setString(3, RelspecJson.write(catalog));
      insert.setTimestamp(4, Timestamp.from(Instant.now()));
      insert.executeUpdate();
    }
    return true;
  }

  public Optional<PlanCatalog> latest(Connection connection) throws SQLException {
    return where(connection, "ORDER BY seq DESC LIMIT 1", null);
  }

  public Optional<String> latestId(Connection connection) throws SQLException {
    return Jdbc.firstString(
        connection, "SELECT plan_catalog_id FROM scheduler_plan_catalog ORDER BY seq DESC LIMIT 1");
  }

  public Optional<PlanCatalog> get(Connection connection, String id) throws SQLException {
    return where(connection, "WHERE plan_catalog_id = ?", id);
  }

  private Optional<PlanCatalog> where(Connection connection, String clause, String parameter)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT content FROM scheduler_plan_catalog " + clause)) {
      if (parameter != null) {
        select.setString(1, parameter);
      }
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(RelspecJson.read(rows.getString(1), PlanCatalog.class))
            : Optional.empty();
      }
    }
  }
}
