export { createArchivoFuenteReader, readArchivoFuente } from './archivo-fuente.js';
export type { ArchivoFuenteReader, SandboxCredentials, TralixExpireMethod } from './router.js';
export {
  DEFAULT_SANDBOX_CREDENTIALS,
  FAULT_KINDS,
  type FaultKind,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from './server.js';
export { SANDBOX_LEYENDA, SANDBOX_SELLO, stampXml, TFD_NAMESPACE } from './stamp.js';
export { emptyState, type SandboxState } from './state.js';
export { readZip, type ZipEntry } from './zip-read.js';
export { writeZip } from './zip-write.js';
