package io.relspec.scheduler.leadership;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relspec.scheduler.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Active/standby between scheduler replicas that share a PostgreSQL database: the replica holding a
 * session-level advisory lock is <em>active</em> and runs the background work that must happen once
 * (the lease-and-retry sweep, the outbox relay); the others stand by and try for the lock every
 * {@code leadership-interval}. Handling messages and REST calls is safe on any replica (every
 * change locks its run row), so both serve. When the active one dies, PostgreSQL drops its session
 * and the lock with it, and a standby takes over within one interval.
 *
 * <p>On H2 (standalone, one process) the one replica is always active.
 */
@ApplicationScoped
public class Leadership {
  private static final Logger LOG = Logger.getLogger(Leadership.class);

  /** The advisory lock's key: "relspec" + "sched" in ASCII, any fixed number would do. */
  static final long LOCK_KEY = 0x72656c7370656373L;

  private final AgroalDataSource dataSource;
  private final SchedulerConfig config;
  private final List<Runnable> onActive = new ArrayList<>();
  private volatile boolean active;
  private volatile boolean advisoryLocks;
  private Connection lockSession;
  private ScheduledExecutorService elections;

  public Leadership(@DataSource("scheduler") AgroalDataSource dataSource, SchedulerConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  /** Whether this replica runs the once-only background work now. */
  public boolean active() {
    return active;
  }

  /** Runs {@code action} each time this replica becomes active. */
  public synchronized void whenActive(Runnable action) {
    onActive.add(action);
    if (active) {
      action.run();
    }
  }

  void start(@Observes StartupEvent event) {
    try (Connection connection = dataSource.getConnection()) {
      advisoryLocks = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach the scheduler database", e);
    }
    if (!advisoryLocks) {
      becomeActive();
      return;
    }
    elections =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "scheduler-leadership");
              thread.setDaemon(true);
              return thread;
            });
    long interval = config.leadershipInterval().toMillis();
    elections.scheduleWithFixedDelay(this::elect, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** Takes the lock when free; while holding it, checks that the session holding it lives. */
  private void elect() {
    try {
      if (lockSession == null) {
        Connection session = dataSource.getConnection();
        boolean locked;
        try (Statement statement = session.createStatement();
            ResultSet rows =
                statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
          rows.next();
          locked = rows.getBoolean(1);
        }
        if (locked) {
          lockSession = session;
          becomeActive();
        } else {
          session.close();
        }
      } else if (!lockSession.isValid(5)) {
        stepDown("its database session was lost");
      }
    } catch (SQLException | RuntimeException e) {
      if (lockSession != null) {
        stepDown(e.toString());
      } else {
        LOG.debugf("leadership election failed, trying again: %s", e);
      }
    }
  }

  private synchronized void becomeActive() {
    active = true;
    LOG.infof("this scheduler is active (sweeps leases and retries, relays the outbox)");
    for (Runnable action : onActive) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warnf(e, "starting active work failed");
      }
    }
  }

  private synchronized void stepDown(String why) {
    active = false;
    LOG.warnf("this scheduler stands by: %s", why);
    try {
      lockSession.close();
    } catch (SQLException ignored) {
      // the session is gone already
    }
    lockSession = null;
  }

  void stop(@Observes ShutdownEvent event) {
    if (elections != null) {
      elections.shutdownNow();
    }
    if (lockSession != null) {
      try {
        lockSession.close();
      } catch (SQLException ignored) {
        // closing releases the lock; a failure means it is gone already
      }
    }
  }
}
