// Preloaded with `node -r`: at exit, prints to stderr how many loaded modules come from the
// schematics' optional peers (the Angular devkit) and whether the schematics runner was loaded.
process.on('exit', () => {
  const loaded = Object.keys(require.cache);
  const devkit = loaded.filter((path) => path.includes('@angular-devkit')).length;
  const runner = loaded.some((path) => /schematics-runner\.[jt]s$/.test(path));
  process.stderr.write(`loaded: devkit=${devkit} runner=${runner}\n`);
});
