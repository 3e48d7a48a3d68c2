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
  LAYOUT_LINES_KEY,
  type LayoutJsonConversion,
  type LayoutLines,
  LayoutLinesSchema,
  layoutToModelJson,
  modelJsonToLayout,
  splitLayoutLines,
} from './layout-json.js';
export {
  layoutToRecordsJson,
  type RecordsConversion,
  type RecordsOptions,
  recordsJsonToLayout,
} from './records.js';
