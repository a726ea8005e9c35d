/**
 * Loads an optional peer dependency (prom-client, @opentelemetry/api) the first time a feature
 * that needs it is enabled, so that apps which never enable it need not install it.
 * @throws Error naming the package, the feature and the install command when it is missing
 */
export function requireOptionalPeer<T>(packageName: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(packageName) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      `${feature} needs the optional package '${packageName}', which is not installed; ` +
        `run \`npm install ${packageName}\` in your app (or turn ${feature} off)`,
      { cause: err },
    );
  }
}
