package io.relspec.executor.store;

import static io.relspec.executor.store.StoreDatabase.META;

import io.relspec.contracts.model.DatasetName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.jboss.logging.Logger;

/**
 * Input versions fetched from other executors, kept in this store's database file for the next task
 * (of any run) that reads them. Keyed by dataset and version: a version never changes, so nothing
 * is ever invalidated; the cache is bounded in bytes (the Arrow bytes fetched) and drops the least
 * recently used version first, never one a running task reads. Its ledger ({@code
 * relspec_meta.input_cache}) survives a restart; the recency order restarts from the ledger's load
 * order.
 */
final class InputCache {
  private static final Logger LOG = Logger.getLogger(InputCache.class);

  /** One cached version: where it is and how large it was when fetched. */
  record Entry(DatasetName dataset, long version, String tableName, long bytes) {}

  private record Key(DatasetName dataset, long version) {}

  private final StoreDatabase database;
  private final long maxBytes;

  /** Access-ordered: the first entry is the least recently used. Guarded by {@code this}. */
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * Tasks reading each entry now; an entry read by none may be dropped. Guarded by {@code this}.
   */
  private final Map<Key, Integer> readers = new HashMap<>();

  private long bytes;

  /** One fetch per version at a time: a second task reading it waits and then finds it here. */
  private final Map<Key, ReentrantLock> loading = new ConcurrentHashMap<>();

  private InputCache(StoreDatabase database, long maxBytes) {
    this.database = database;
    this.maxBytes = maxBytes;
  }

  /** The cache of {@code database}, its ledger read (and created when new). */
  static InputCache open(StoreDatabase database, long maxBytes) throws SQLException {
    InputCache cache = new InputCache(database, maxBytes);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META
              + ".input_cache (dataset VARCHAR NOT NULL, version BIGINT NOT NULL,"
              + " table_name VARCHAR NOT NULL, byte_count BIGINT NOT NULL,"
              + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT dataset, version, table_name, byte_count FROM "
                  + META
                  + ".input_cache ORDER BY created_at, dataset, version")) {
        while (rows.next()) {
          Entry entry =
              new Entry(
                  DatasetName.of(rows.getString(1)),
                  rows.getLong(2),
                  rows.getString(3),
                  rows.getLong(4));
          cache.entries.put(new Key(entry.dataset(), entry.version()), entry);
          cache.bytes += entry.bytes();
        }
      }
    }
    // A smaller bound than the last process had drops the excess now.
    cache.evict(null);
    return cache;
  }

  boolean enabled() {
    return maxBytes > 0;
  }

  /** Bytes held now (at most the bound, but for versions in use). */
  synchronized long bytes() {
    return bytes;
  }

  /** The version if cached, then held for the caller until the returned input is closed. */
  Optional<TaskQuery.Cached> lookup(DatasetName dataset, long version) {
    Key key = new Key(dataset, version);
    synchronized (this) {
      Entry entry = entries.get(key);
      if (entry == null) {
        return Optional.empty();
      }
      readers.merge(key, 1, Integer::sum);
      return Optional.of(cached(key, entry));
    }
  }

  /**
   * The version, fetched through {@code reader} unless another task cached it meanwhile: copied
   * into a table of the store (its own transaction), recorded, and versions dropped past the bound.
   * The reader is consumed (or left unread on a hit) and the caller still closes it. A version
   * larger than the whole bound is still kept for this task and dropped after the next fetch.
   */
  TaskQuery.Cached load(DatasetName dataset, long version, ArrowReader reader) throws SQLException {
    Key key = new Key(dataset, version);
    ReentrantLock lock = loading.computeIfAbsent(key, ignored -> new ReentrantLock());
    lock.lock();
    try {
      Optional<TaskQuery.Cached> meanwhile = lookup(dataset, version);
      if (meanwhile.isPresent()) {
        return meanwhile.get();
      }
      String tableName = "cache:" + dataset.value() + "@" + version;
      String table = database.internalTable(tableName);
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        StoreDatabase.inTransaction(
            statement,
            () -> {
              statement.execute("DROP TABLE IF EXISTS " + table);
              try (ArrowImports.RegisteredStream stream =
                  ArrowImports.register(database.allocator(), connection, reader)) {
                statement.execute("CREATE TABLE " + table + " AS SELECT * FROM " + stream.name());
              }
              // The Arrow bytes the fetch read; a reader that does not count them is measured.
              long fetchedBytes =
                  reader.bytesRead() > 0
                      ? reader.bytesRead()
                      : VersionMeasures.measure(
                              connection, table, StampedRows.schemaOf(connection, table))
                          .bytes();
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      "INSERT INTO "
                          + META
                          + ".input_cache (dataset, version, table_name, byte_count, created_at)"
                          + " VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, dataset.value());
                insert.setLong(2, version);
                insert.setString(3, tableName);
                insert.setLong(4, fetchedBytes);
                insert.setTimestamp(5, Timestamp.from(Instant.now()));
                insert.executeUpdate();
              }
              statement.execute("COMMIT");
              Entry entry = new Entry(dataset, version, tableName, fetchedBytes);
              synchronized (this) {
                entries.put(key, entry);
                bytes += entry.bytes();
                readers.merge(key, 1, Integer::sum);
              }
              return null;
            });
      } catch (SqlRefusedException e) {
        throw new IllegalStateException(e);
      }
      evict(key);
      synchronized (this) {
        return cached(key, entries.get(key));
      }
    } finally {
      lock.unlock();
    }
  }

  private TaskQuery.Cached cached(Key key, Entry entry) {
    return new TaskQuery.Cached(
        entry.dataset(),
        entry.version(),
        database.internalTable(entry.tableName()),
        () -> release(key));
  }

  private synchronized void release(Key key) {
    readers.computeIfPresent(key, (ignored, count) -> count == 1 ? null : count - 1);
  }

  /**
   * Drops least recently used versions no task reads until the cache is within its bound; {@code
   * keep} (just fetched) is dropped last, by a later call.
   */
  private void evict(Key keep) throws SQLException {
    List<Entry> dropped = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<Key, Entry>> oldestFirst = entries.entrySet().iterator();
      while (bytes > maxBytes && oldestFirst.hasNext()) {
        Map.Entry<Key, Entry> next = oldestFirst.next();
        if (next.getKey().equals(keep) || readers.containsKey(next.getKey())) {
          continue;
        }
        oldestFirst.remove();
        bytes -= next.getValue().bytes();
        dropped.add(next.getValue());
      }
    }
    if (dropped.isEmpty()) {
      return;
    }
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        PreparedStatement forget =
            connection.prepareStatement(
                "DELETE FROM " + META + ".input_cache WHERE dataset = ? AND version = ?")) {
      for (Entry entry : dropped) {
        statement.execute("DROP TABLE IF EXISTS " + database.internalTable(entry.tableName()));
        forget.setString(1, entry.dataset().value());
        forget.setLong(2, entry.version());
        forget.executeUpdate();
        LOG.debugf(
            "input cache: dropped %s version %d (%d bytes)",
            entry.dataset(), entry.version(), entry.bytes());
      }
    }
  }
}
