/**
 * A transaction log shared by several coordinator instances in one relational database: each
 * instance is a node with a lease, each transaction is owned by one (node, epoch), every write is
 * fenced by that ownership, and a live node takes over the transactions of a dead one.
 */
module dev.settle.jdbc {
  requires transitive dev.settle.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.settle.jdbc;
  // How a transaction's records sit in its row: for the testkit's simulation, which checks the
  // log's rows directly.
  exports dev.settle.jdbc.internal to
      dev.settle.testkit;
}
