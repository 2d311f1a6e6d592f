// Runs real VS Code (code-server 4.100.3 from .cache/code-server, installed by setup-code-server.sh) on a
// workspace with the packaged Flaglens extension, for the real-editor test and `npm run demo`. Everything
// code-server writes (HOME, XDG dirs, user data, extensions) goes to a per-run folder, never the real home.
// Recipe: /work/shared/RECIPES.md ("Real VS Code, headless").
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLogged } from '../installLog.mjs';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const codeServerBin = join(repositoryRoot, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
export const vsixPath = join(repositoryRoot, 'flaglens.vsix');

export const CODE_SERVER_VERSION = '4.100.3';

/** Whether .cache/code-server holds code-server 4.100.3. */
export function codeServerInstalled() {
  try {
    return JSON.parse(readFileSync(join(repositoryRoot, '.cache', 'code-server', 'node_modules', 'code-server', 'package.json'), 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/**
 * Installs code-server on first use (scripts/e2e/setup-code-server.sh; about a minute and 300 MB the first time),
 * quietly: its npm and node-gyp output goes to .cache/setup/code-server.log, one line says it is done.
 */
export function installCodeServer({ print = (line) => console.log(line) } = {}) {
  if (codeServerInstalled()) return;
  runLogged(`code-server ${CODE_SERVER_VERSION} installed into .cache/code-server`, 'bash', [join(repositoryRoot, 'scripts', 'e2e', 'setup-code-server.sh')], { logName: 'code-server', cwd: repositoryRoot, print });
}

/** Installs code-server on first use (idempotent). */
export function ensureCodeServer() {
  installCodeServer();
}

/** `npm run package`: build with esbuild, then flaglens.vsix with vsce. */
export function buildAndPackage() {
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repositoryRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run package failed with exit code ${result.status}`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Copies a workspace into `runDir/workspace/<name>` and makes it a git repository with one commit, so the
 * server's git-based features work and nothing the editor does touches the original.
 */
export function copyWorkspace(source, runDir, name = 'shop') {
  const target = join(runDir, 'workspace', name);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true, filter: (path) => !/[\\/](node_modules|\.git)([\\/]|$)/.test(path) });
  const git = (...args) => execFileSync('git', args, { cwd: target, stdio: 'ignore', env: { ...process.env, ...gitIdentity } });
  git('init', '-q', '-b', 'main');
  replayStateFileHistory(source, target, git);
  git('add', '-A');
  git('commit', '-q', '-m', 'example workspace');
  return target;
}

/**
 * Replays the repository's commits of the workspace's flagd files into the copy, oldest first, so the
 * server can tell removed flags (FL002: once defined, in the history) from never-defined ones (FL003), as
 * it does in the real repository. Best effort: without git history (a tarball) the copy gets one commit.
 */
function replayStateFileHistory(source, target, git) {
  const read = (...args) => execFileSync('git', args, { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let prefix;
  try {
    prefix = read('rev-parse', '--show-prefix').trim();
  } catch {
    return;
  }
  const stateFiles = readdirSync(source).filter((name) => /\.flagd\.(json|ya?ml)$/.test(name));
  for (const name of stateFiles) {
    const commits = read('log', '--reverse', '--format=%H %aI', '--', name).trim().split('\n').filter(Boolean);
    for (const line of commits) {
      const [commit, date] = line.split(' ');
      let text;
      try {
        text = read('show', `${commit}:${prefix}${name}`);
      } catch {
        continue; // deleted in this commit
      }
      writeFileSync(join(target, name), text);
      git('add', name);
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', `${name} as of ${commit.slice(0, 8)}`], {
        cwd: target,
        stdio: 'ignore',
        env: { ...process.env, ...gitIdentity, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    }
    // Back to the current working-tree version before the final commit.
    cpSync(join(source, name), join(target, name));
  }
}

const gitIdentity = {
  GIT_AUTHOR_NAME: 'Flaglens Test',
  GIT_AUTHOR_EMAIL: 'test@flaglens.invalid',
  GIT_COMMITTER_NAME: 'Flaglens Test',
  GIT_COMMITTER_EMAIL: 'test@flaglens.invalid',
};

/** Environment for code-server: HOME and XDG dirs inside the run folder; an empty gallery (no network). */
function codeServerEnvironment(runDir) {
  const environment = { ...process.env, EXTENSIONS_GALLERY: '{}', HOME: join(runDir, 'home'), XDG_CONFIG_HOME: join(runDir, 'xdg-config'), XDG_DATA_HOME: join(runDir, 'xdg-data') };
  // Never hand a developer's provider tokens to the editor under test.
  delete environment.UNLEASH_TOKEN;
  for (const dir of [environment.HOME, environment.XDG_CONFIG_HOME, environment.XDG_DATA_HOME]) mkdirSync(dir, { recursive: true });
  return environment;
}

/** User settings: no start page, no port forwarding prompts, no AI features, quick hovers, no telemetry. */
export function writeUserSettings(runDir, extra = {}) {
  const userDir = join(runDir, 'user-data', 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(
    join(userDir, 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'remote.autoForwardPorts': false,
        'chat.disableAIFeatures': true,
        'editor.hover.delay': 100,
        'telemetry.telemetryLevel': 'off',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'git.openRepositoryInParentFolders': 'never',
        'security.workspace.trust.enabled': false,
        // Room for the inlay hints in screenshots.
        'editor.minimap.enabled': false,
        ...extra,
      },
      null,
      2,
    ),
  );
}

/** Installs the vsix into the run's extensions folder (about a second). */
export function installExtension(runDir, vsix = vsixPath) {
  if (!existsSync(vsix)) throw new Error(`${vsix} not found: run npm run package`);
  execFileSync(codeServerBin, ['--install-extension', vsix, '--force', '--extensions-dir', join(runDir, 'extensions')], {
    env: codeServerEnvironment(runDir),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/**
 * Starts code-server on 127.0.0.1:port for `workspace` and resolves once /healthz answers. With
 * `workspaceTrust: true`, Workspace Trust is active (for restricted-mode tests).
 * Returns { url, process, stop } where stop() kills the whole process group.
 */
export async function startCodeServer({ runDir, workspace, port, stdio = ['ignore', 'pipe', 'pipe'], timeoutMs = 60_000, workspaceTrust = false }) {
  writeFileSync(join(runDir, 'cs-config.yaml'), 'auth: none\ncert: false\n');
  const child = spawn(
    codeServerBin,
    [
      '--config', join(runDir, 'cs-config.yaml'),
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      // Workspace Trust is off unless a test checks restricted mode (settings then decide the prompt).
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', join(runDir, 'user-data'),
      '--extensions-dir', join(runDir, 'extensions'),
      workspace,
    ],
    { env: codeServerEnvironment(runDir), stdio, detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const stop = () => stopProcessGroup(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return { url, process: child, stop, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${output}`);
}

/** Kills a detached child and everything it started (code-server forks the extension host and our server). */
export function stopProcessGroup(child) {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const pid = child.pid;
  setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 2000).unref();
}

/** The workbench URL that opens `workspace`. */
export function workbenchUrl(url, workspace) {
  return `${url}/?folder=${encodeURIComponent(workspace)}`;
}
