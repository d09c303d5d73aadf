package dev.settle.benchmarks;

import com.atomikos.datasource.xa.XATransactionalResource;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.jta.UserTransactionManager;
import javax.transaction.xa.XAResource;
import java.nio.file.Files;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Atomikos with its default file log committing the same transfer. Needs its own JVM. */
public class AtomikosBenchmarks {
  /** The transaction manager. */
  @State(Scope.Benchmark)
  public static class Tm {
    UserTransactionManager tm;
    PeerResource r1;
    PeerResource r2;

    @Setup(Level.Trial)
    public void start() throws Exception {
      String dir = Files.createTempDirectory("atomikos-").toString();
      System.setProperty("com.atomikos.icatch.log_base_dir", dir);
      System.setProperty("com.atomikos.icatch.output_dir", dir);
      System.setProperty("com.atomikos.icatch.tm_unique_name", "settle-bench");
      System.setProperty("com.atomikos.icatch.max_actives", "-1");
      r1 = new PeerResource(new Accounts(), 1);
      r2 = new PeerResource(new Accounts(), 2);
      // Atomikos enlists only resources it can recover: register both.
      Configuration.addResource(recoverable("settle-r1", r1));
      Configuration.addResource(recoverable("settle-r2", r2));
      tm = new UserTransactionManager();
      tm.init();
    }

    private static XATransactionalResource recoverable(String name, XAResource resource) {
      return new XATransactionalResource(name) {
        @Override
        protected XAResource refreshXAConnection() {
          return resource;
        }
      };
    }

    @TearDown(Level.Trial)
    public void stop() {
      tm.close();
    }
  }

  /** Begin, enlist two resources, commit (two-phase). */
  @Benchmark
  public void transfer(Tm t) throws Exception {
    t.tm.begin();
    t.tm.getTransaction().enlistResource(t.r1);
    t.tm.getTransaction().enlistResource(t.r2);
    t.tm.commit();
  }
}
