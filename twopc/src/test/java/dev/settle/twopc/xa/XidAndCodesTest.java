package dev.settle.twopc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * The Xid Settle gives a branch: what a resource manager's recovery scan hands back must be read
 * back to the same transaction and branch, compare equal to the one sent, and fit XA's limits.
 */
class XidAndCodesTest {
  private final TransactionId tx = TransactionId.of("01HF7YB2Z4DS8JZNXJ9V8Y82M7");
  private final BranchId debit = BranchId.of("debit");

  /** An Xid as a resource manager returns it from recover(): another class, the same bytes. */
  private static Xid foreign(int format, byte[] global, byte[] branch) {
    return new Xid() {
      @Override
      public int getFormatId() {
        return format;
      }

      @Override
      public byte[] getGlobalTransactionId() {
        return global.clone();
      }

      @Override
      public byte[] getBranchQualifier() {
        return branch.clone();
      }
    };
  }

  @Test
  void anXidReadBackFromAResourceIsTheSameBranchAndEqualToTheOneSent() {
    SettleXid sent = SettleXid.of("node-1", tx, debit);
    Xid returned = foreign(sent.getFormatId(), sent.getGlobalTransactionId(), sent.getBranchQualifier());

    SettleXid parsed = SettleXid.parse(returned).orElseThrow();
    assertThat(parsed.nodeName()).isEqualTo("node-1");
    assertThat(parsed.transactionId()).isEqualTo(tx);
    assertThat(parsed.branchId()).isEqualTo(debit);
    assertThat(parsed).isEqualTo(sent).hasSameHashCodeAs(sent);
    assertThat(sent).isEqualTo(returned);
    assertThat(sent.toString()).contains("node-1").contains(tx.value()).contains("debit");
  }

  @Test
  void xidsOfOtherBranchesTransactionsOrNodesDiffer() {
    SettleXid one = SettleXid.of("node-1", tx, debit);
    assertThat(one).isNotEqualTo(SettleXid.of("node-1", tx, BranchId.of("credit")));
    assertThat(one).isNotEqualTo(SettleXid.of("node-2", tx, debit));
    assertThat(one).isNotEqualTo(SettleXid.of("node-1", TransactionId.of("other"), debit));
    assertThat(one).isNotEqualTo(foreign(one.getFormatId() + 1, one.getGlobalTransactionId(), one.getBranchQualifier()));
    assertThat(one).isNotEqualTo("node-1");
    // Hashes spread: the branch counts, not only the transaction.
    assertThat(one.hashCode()).isNotEqualTo(SettleXid.of("node-1", tx, BranchId.of("credit")).hashCode());
    assertThat(one.hashCode()).isNotEqualTo(0);
  }

  @Test
  void anXidOfAnotherFormatOrWithIdsSettleNeverMakesIsNotOurs() {
    SettleXid ours = SettleXid.of("node-1", tx, debit);
    assertThat(SettleXid.parse(foreign(ours.getFormatId() + 1, ours.getGlobalTransactionId(), ours.getBranchQualifier())))
        .isEmpty();
    assertThat(SettleXid.parse(null)).isEmpty();
    // Our format id but a global id that is no transaction id of ours (blank after the separator).
    assertThat(SettleXid.parse(foreign(ours.getFormatId(), "node-1~".getBytes(), "debit".getBytes()))).isEmpty();
  }

  @Test
  void theGlobalIdFitsXasSixtyFourBytesExactlyAndNoMore() {
    String node = "n";
    String fits = "t".repeat(64 - node.length() - 1); // node + separator + id = 64
    assertThat(SettleXid.of(node, TransactionId.of(fits), debit).getGlobalTransactionId()).hasSize(64);
    assertThatThrownBy(() -> SettleXid.of(node, TransactionId.of(fits + "t"), debit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 64 bytes")
        .hasMessageContaining("need 65");
  }

  @Test
  void rollbackCodesAreExactlyTheSpecificationsRange() {
    assertThat(XaCodes.isRollback(XAException.XA_RBBASE)).isTrue();
    assertThat(XaCodes.isRollback(XAException.XA_RBEND)).isTrue();
    assertThat(XaCodes.isRollback(XAException.XA_RBBASE - 1)).isFalse();
    assertThat(XaCodes.isRollback(XAException.XA_RBEND + 1)).isFalse();
    assertThat(XaCodes.isRollback(XAException.XA_HEURCOM)).isFalse();
  }
}
