export { type CfdiSummary, describeCfdi } from './describe.js';
export {
  type BundleFile,
  type BundleLimits,
  type BundlePart,
  type BundleReport,
  type ManifestEntry,
  manifestJson,
  uniqueNames,
  type WriteZipBundlesOptions,
  writeZipBundles,
  ZIP_ENTRY_DATE,
  ZIP_LEVEL,
} from './zip.js';
