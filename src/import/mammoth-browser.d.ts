/** mammoth's prebuilt browser bundle (UMD) exposes the same API as the package's Node entry. */
declare module 'mammoth/mammoth.browser.min.js' {
  interface ExtractResult {
    value: string;
    messages: { type: string; message: string }[];
  }
  const mammoth: {
    extractRawText(input: { arrayBuffer: ArrayBuffer }): Promise<ExtractResult>;
  };
  export default mammoth;
}
