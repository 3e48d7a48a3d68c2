export {
  DOCUMENT_FORMATS,
  type DocumentFormat,
  detectFormat,
  type ReadDocumentOptions,
  type ReadDocumentResult,
  readDocument,
  validateDocument,
  type WriteDocumentOptions,
  type WriteDocumentResult,
  writeDocument,
} from './documents.js';
export {
  layoutToRecordsJson,
  type RecordsConversion,
  type RecordsOptions,
  recordsJsonToLayout,
} from './records.js';
