package dev.settle.twopc.xa;

import dev.settle.core.BranchState;
import javax.transaction.xa.XAException;

/** The XA specification's return and error codes, read once for every XA call Settle makes. */
final class XaCodes {
  /**
   * H2's answer to a commit or rollback of a branch it does not hold: an {@link XAException}
   * with code 0 ({@code XA_OK}) where the specification says {@code XAER_NOTA}.
   */
  static final int H2_NOT_FOUND = 0;

  private XaCodes() {}

  /** {@code XA_RBBASE..XA_RBEND}: the branch was rolled back. */
  static boolean isRollback(int code) {
    return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
  }

  /** {@code XA_HEURMIX, XA_HEURRB, XA_HEURCOM, XA_HEURHAZ}: the resource decided on its own. */
  static boolean isHeuristic(int code) {
    return code == XAException.XA_HEURMIX
        || code == XAException.XA_HEURRB
        || code == XAException.XA_HEURCOM
        || code == XAException.XA_HEURHAZ;
  }

  /** What a heuristic code says the resource applied. */
  static BranchState heuristicState(int code) {
    return switch (code) {
      case XAException.XA_HEURCOM -> BranchState.COMMITTED;
      case XAException.XA_HEURRB -> BranchState.ROLLED_BACK;
      case XAException.XA_HEURMIX -> BranchState.HEURISTIC_MIXED;
      case XAException.XA_HEURHAZ -> BranchState.HEURISTIC_HAZARD;
      default -> throw new IllegalArgumentException("not a heuristic XA code: " + code);
    };
  }

  /** The code's name in the specification, with its number. */
  static String name(int code) {
    String name =
        switch (code) {
          case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
          case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
          case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
          case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
          case XAException.XA_RBOTHER -> "XA_RBOTHER";
          case XAException.XA_RBPROTO -> "XA_RBPROTO";
          case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
          case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
          case XAException.XA_NOMIGRATE -> "XA_NOMIGRATE";
          case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
          case XAException.XA_HEURCOM -> "XA_HEURCOM";
          case XAException.XA_HEURRB -> "XA_HEURRB";
          case XAException.XA_HEURMIX -> "XA_HEURMIX";
          case XAException.XA_RETRY -> "XA_RETRY";
          case XAException.XA_RDONLY -> "XA_RDONLY";
          case 0 -> "code 0 (XA_OK)";
          case XAException.XAER_ASYNC -> "XAER_ASYNC";
          case XAException.XAER_RMERR -> "XAER_RMERR";
          case XAException.XAER_NOTA -> "XAER_NOTA";
          case XAException.XAER_INVAL -> "XAER_INVAL";
          case XAException.XAER_PROTO -> "XAER_PROTO";
          case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
          case XAException.XAER_DUPID -> "XAER_DUPID";
          case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
          default -> "unknown XA code";
        };
    return name + " (" + code + ")";
  }
}
