package dev.settle.benchmarks;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.nio.file.Files;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Narayana (arjuna JTA) committing the same two-participant transfer. Needs its own JVM. */
public class NarayanaBenchmarks {
  /** The transaction manager, with the volatile store or the default file store. */
  @State(Scope.Benchmark)
  public static class Tm {
    @Param({"volatile"})
    public String store;

    TransactionManager tm;
    PeerResource r1;
    PeerResource r2;

    @Setup(Level.Trial)
    public void start() throws Exception {
      arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("settle-bench");
      String dir = Files.createTempDirectory("narayana-").toString();
      for (String name : new String[] {null, "communicationStore", "stateStore"}) {
        ObjectStoreEnvironmentBean bean =
            name == null
                ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name);
        bean.setObjectStoreDir(dir);
        if (store.equals("volatile")) {
          bean.setObjectStoreType("com.arjuna.ats.internal.arjuna.objectstore.VolatileStore");
        }
      }
      tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
      r1 = new PeerResource(new Accounts(), 1);
      r2 = new PeerResource(new Accounts(), 2);
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
