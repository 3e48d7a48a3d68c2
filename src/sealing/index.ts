export { cadenaOriginal, cadenaOriginalTfd, normalizeSpace } from './cadena.js';
export { type Csd, type CsdFiles, fechaInstant, loadCsd } from './csd.js';
export { checkCsdFor, renderSealed, sealComprobante, selloOf, verifySello } from './seal.js';
