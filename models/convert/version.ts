// Bump when the converter's output changes: the build stamp records it, and
// `npm run models:ensure` rebuilds when it differs.
export const CONVERTER_NAME = 'passage-models';
export const CONVERTER_VERSION = '1.0.0';
