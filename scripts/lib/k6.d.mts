export declare const K6_VERSION: string;
export declare const TOOLS_BIN: string;
export declare const K6_BIN: string;
