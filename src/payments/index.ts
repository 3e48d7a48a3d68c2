export { type BuildRepsOptions, buildReps, type RepDocument, type RepItem } from './build.js';
export {
  PAYMENT_ISSUE_CODES,
  type PaymentColumns,
  type PaymentIssueCode,
  type PaymentReceptor,
  type PaymentRow,
  parsePaymentRow,
  paymentKey,
} from './row.js';
export {
  type BuildRepsOnThreadOptions,
  buildRepsOnThread,
  type RepOutput,
  type RepThreadItem,
} from './thread.js';
