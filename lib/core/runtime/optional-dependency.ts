/**
 * Loading of acton-ts's optional peer dependencies (NestJS, the NATS client, prom-client, OpenTelemetry, koffi,
 * the Angular devkit). They are not runtime dependencies: an app that never enables the feature
 * that needs one does not install it, and nothing loads it until that feature is first used.
 * Every loader goes through here, so a missing package always reads the same way: which feature
 * needs which package, why loading failed, and the command that installs it.
 */

/**
 * `require(packageName)`, the first time `feature` needs it.
 * @param feature what needs the package, as the user knows it (`acton-ts/nestjs`, `MetricsModule`)
 * @param install the command that installs it; default `npm install <packageName>`
 * @throws Error "<feature> needs the package <packageName> (an optional peer dependency of
 *   acton-ts), which could not be loaded (<reason>); install it: <install>", with the load
 *   failure as `cause`
 */
export function requireOptional<T>(packageName: string, feature: string, install = `npm install ${packageName}`): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer, loaded on first use only
    return require(packageName) as T;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `${feature} needs the package ${packageName} (an optional peer dependency of acton-ts), ` +
        `which could not be loaded (${reason}); install it: ${install}`,
      { cause: err },
    );
  }
}

/**
 * The packages of `packageNames` that `require` cannot find from the folder `fromDir` (nor
 * `$NODE_PATH`), without loading any of them.
 */
export function missingOptional(packageNames: readonly string[], fromDir: string): string[] {
  return packageNames.filter((name) => {
    try {
      require.resolve(`${name}/package.json`, { paths: [fromDir] });
      return false;
    } catch {
      return true;
    }
  });
}
