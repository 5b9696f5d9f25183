export declare const WEB_DIST: string;
export declare const FINGERPRINT_FILE: string;
export declare const GENERATED_TYPES: string;
export declare function filesUnder(dir: string): string[];
export declare function sourceFingerprint(): string;
export declare function isWebBuildCurrent(): boolean;
