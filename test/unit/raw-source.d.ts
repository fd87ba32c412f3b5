// Vite's `?raw` imports (a source file's text), for tests that read a declaration to check every member is handled.
declare module '*?raw' {
  const source: string;
  export default source;
}
