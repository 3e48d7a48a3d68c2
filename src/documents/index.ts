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
