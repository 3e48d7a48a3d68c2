export { cadenaOriginal, cadenaOriginalTfd, normalizeSpace } from './cadena.js';
export { type Csd, type CsdFiles, fechaInstant, loadCsd } from './csd.js';
export {
  checkCsdFor,
  checkCsdRfc,
  renderSealed,
  type SealedDocument,
  sealComprobante,
  sealDocument,
  selloOf,
  verifySello,
} from './seal.js';
