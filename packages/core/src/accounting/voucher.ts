/**
 * Double-entry vouchers (凭证). Every financial step builds one through {@link buildVoucher},
 * which refuses (as a bug) anything that does not balance.
 *
 * @module
 */
import { TradecoreBug } from '../kernel/errors';
import { Dec } from '../money/decimal';
import { Money } from '../money/money';
import type { LedgerLine, LedgerVoucher } from '../ports/store';

/** Account codes used by the posting rules. Integrators map them to their chart of accounts. */
export interface AccountMap {
  /** Accounts receivable (应收账款). */
  readonly receivable: string;
  /** Sales revenue (主营业务收入). */
  readonly revenue: string;
  /** Output VAT (应交税费—应交增值税—销项税额). */
  readonly vatOutput: string;
  /** Cost of goods sold (主营业务成本). */
  readonly cogs: string;
  /** Inventory (库存商品). */
  readonly inventory: string;
  /** Bank (银行存款). */
  readonly bank: string;
  /** Customer advances / unapplied receipts (预收账款). */
  readonly advances: string;
  /** Goods received, not yet invoiced by the supplier (clearing for stock receipts). */
  readonly goodsReceivedClearing: string;
  /** Sales returns and allowances, debited by credit notes (default: revenue itself). */
  readonly salesReturns: string;
  /** Small payment differences written off in settlements (财务费用). */
  readonly settlementDifferences: string;
}

/** Default mapping to China's enterprise chart of accounts. */
export const DEFAULT_ACCOUNTS: AccountMap = {
  receivable: '1122',
  revenue: '6001',
  vatOutput: '222101',
  cogs: '6401',
  inventory: '1405',
  bank: '1002',
  advances: '2203',
  goodsReceivedClearing: '2202',
  salesReturns: '6001',
  settlementDifferences: '6603',
};

/** One side of a posting before it becomes a {@link LedgerLine}. */
export interface PostingLine {
  /** Account code. */
  readonly account: string;
  /** Debit (positive Money) — give exactly one of debit/credit. */
  readonly debit?: Money;
  /** Credit (positive Money). */
  readonly credit?: Money;
  /** Party for the subledger. */
  readonly partyId?: string;
}

/** Header of a voucher to build. */
export interface VoucherHeader {
  /** Id. */
  readonly id: string;
  /** Number. */
  readonly number: string;
  /** Posting instant. */
  readonly postedAt: string;
  /** Source kind. */
  readonly sourceKind: string;
  /** Source id. */
  readonly sourceId: string;
  /** Memo. */
  readonly memo: string;
}

/**
 * Builds a voucher: drops zero lines, turns negative amounts to the other side (a credit note
 * reverses its invoice), and checks Σ debits = Σ credits per currency. Unbalanced input is a
 * bug in a posting rule and throws `UNBALANCED_VOUCHER`.
 */
export function buildVoucher(
  header: VoucherHeader,
  postings: readonly PostingLine[],
): LedgerVoucher {
  const lines: LedgerLine[] = [];
  const sums = new Map<string, { d: Dec; c: Dec }>();
  for (const p of postings) {
    if ((p.debit === undefined) === (p.credit === undefined)) {
      throw new TradecoreBug(
        'INVALID_POSTING',
        `posting to ${p.account} needs exactly one of debit or credit`,
      );
    }
    const m = (p.debit ?? p.credit) as Money;
    if (!m.fitsMinorUnits()) {
      throw new TradecoreBug(
        'UNROUNDED_POSTING',
        `posting ${m.toString()} to ${p.account} is not rounded to the currency`,
      );
    }
    if (m.isZero()) continue;
    const debitSide = (p.debit !== undefined) !== m.isNegative();
    const amount = m.abs().amount;
    const line: LedgerLine = {
      account: p.account,
      debit: debitSide ? amount : new Dec(0),
      credit: debitSide ? new Dec(0) : amount,
      currency: m.currency.code,
      partyId: p.partyId ?? null,
    };
    lines.push(line);
    const s = sums.get(line.currency) ?? { d: new Dec(0), c: new Dec(0) };
    s.d = s.d.plus(line.debit);
    s.c = s.c.plus(line.credit);
    sums.set(line.currency, s);
  }
  for (const [cur, s] of sums) {
    if (!s.d.equals(s.c)) {
      throw new TradecoreBug(
        'UNBALANCED_VOUCHER',
        `${header.sourceKind} ${header.sourceId}: debits ${s.d} ≠ credits ${s.c} ${cur}`,
      );
    }
  }
  if (lines.length === 0)
    throw new TradecoreBug(
      'EMPTY_VOUCHER',
      `${header.sourceKind} ${header.sourceId}: nothing to post`,
    );
  return { ...header, lines };
}

/** Σ debits of a voucher in its (single) currency. */
export function voucherTotal(v: LedgerVoucher): Money {
  const first = v.lines[0];
  if (!first) throw new TradecoreBug('EMPTY_VOUCHER', 'voucher has no lines');
  return v.lines.reduce(
    (acc, l) => acc.add(Money.of(l.debit, l.currency)),
    Money.zero(first.currency),
  );
}
