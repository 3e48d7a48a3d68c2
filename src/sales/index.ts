export {
  CANONICAL_COLUMNS,
  type CanonicalColumn,
  type ColumnMap,
  type ColumnSet,
  columnLookup,
  normalizeHeader,
  PAYMENT_COLUMN_SET,
  PAYMENT_COLUMNS,
  PAYMENT_REQUIRED_COLUMNS,
  type PaymentColumn,
  REQUIRED_COLUMNS,
  resolveColumns,
  SALES_COLUMN_SET,
} from './columns.js';
export {
  checkSalesConfig,
  parseSalesConfig,
  type SalesConfig,
  type SalesConfigInput,
  SalesConfigSchema,
  salesConfigJsonSchema,
} from './config.js';
export {
  detectSalesOrder,
  type Group,
  type GroupOptions,
  type GroupOrder,
  groupByTicket,
  groupTickets,
  recordKey,
  type SalesOrderReport,
  type TicketGroup,
} from './group.js';
export {
  type CsvDelimiter,
  guessDelimiter,
  type ReadSalesOptions,
  readSalesRecords,
  type SalesFormat,
  type SalesReadInfo,
  type SalesRecord,
} from './readers.js';
export {
  makeReject,
  type RowIssue,
  rejectToJsonLine,
  SALES_ISSUE_CODES,
  type SalesIssueCode,
  type TicketReject,
} from './rejects.js';
export {
  addDays,
  normalizeNumber,
  type ParsedSalesRow,
  parseDate,
  parseFecha,
  parseSalesRow,
  type SalesReceptor,
  type SalesRow,
  type TicketKey,
  ticketKeyString,
} from './row.js';
export {
  type AssembleOptions,
  assembleTicket,
  groupRecords,
  type ReadTicketsOptions,
  readTickets,
  type SalesStats,
  type Ticket,
  type TicketItem,
  ticketFromRecords,
} from './ticket.js';
