"""A run, from its :class:`~clean_reports.config.Config` to its exit status.

Every run is the same straight line, whatever it was asked::

    tasks = inputs.tasks()                     # inputs.py: walk → one Task per file
    for result in engine.map(tasks, work):     # engines/: serial, pool or Ray
        sinks.add(result)                      # sinks/, and the cache's store
    sinks.close(totals)

and what differs between runs is which pieces are chosen here: standard input is one
task with :class:`~clean_reports.work.StdinWork` as its work; ``--check`` and
``--in-place`` wrap the work in the cache's lookup and add the cache to the sinks;
``--engine ray`` is another engine; ``--suggest`` maps
:class:`~clean_reports.work.DocumentWork` and gathers the documents instead of sinks.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from .cache import Cache, CachedWork
from .config import Config, display_path
from .engines import Engine
from .engines.serial import Serial
from .errors import CleanReportsError, ExitCode, UsageProblem, exit_code
from .inputs import Inputs
from .model import FileResult, Mode, Task, Totals
from .process import FileOptions
from .rulecheck import verify_examples
from .rules import Rule, is_shipped, load_rules
from .selection import RuleSelector
from .sinks import Sink, Sinks
from .sinks.console import Closing, Console, Messages, rules_listing
from .sinks.findings import Diffs, Findings
from .sinks.formats import plural
from .sinks.progress import Progress
from .sinks.summary import Summary
from .storage import list_files
from .tables import INCLUDE as TABLE_INCLUDE
from .walk import WalkOptions, find_repo_root, shown
from .work import DocumentWork, StdinWork, Work
from .write import atomic_write, tag_output_folder

# Worker processes pay for themselves on folders or many files, not on a few files
# named one by one (a pre-commit hook's batch), where starting them costs more.
SERIAL_FILES = 64
# Characters of context around each match that the HTML report shows.
CONTEXT_CHARS = 40


def describe(config: Config, console: Console) -> None:
    """``-v``: the config file and the cache folder a run uses, before anything else."""
    found = config.config_file
    console.say(f"config file: {display_path(found) if found else 'none'}", style="dim")
    cache, why = cache_for(config)
    folder = display_path(cache.folder) if cache is not None else f"none ({why})"
    console.say(f"cache folder: {folder}", style="dim")


def cache_for(config: Config) -> tuple[Cache | None, str]:
    """The findings of earlier runs, for the modes that only find or fix in place; or
    ``None`` and why the run keeps none."""
    if config.no_cache:
        return None, f"{config.where('no_cache')} is set"
    if config.work_mode not in (Mode.CHECK, Mode.IN_PLACE):
        if config.check_diff:
            return None, "--check --diff cleans each file to show its diff"
        return None, "only --check and --in-place use one"
    if config.engine != "local":
        return None, f"--engine {config.engine} keeps none"
    if config.report is not None:  # the report needs the text
        return None, "--report needs each file's text"
    salt = f"{config.encoding}\0{config.text_field}\0{config.regex_timeout}"
    return Cache(config.cache_dir, salt), ""


def walk_options(config: Config) -> WalkOptions:
    include = config.include + (TABLE_INCLUDE if config.text_field else ())
    return WalkOptions(
        include=include,
        exclude=config.exclude + config.extend_exclude,
        root=config.root,
        gitignore=config.gitignore,
        force_exclude=config.force_exclude,
    )


def inputs_of(config: Config) -> Inputs:
    local = tuple(path for path in config.paths if path != Path("-"))
    return Inputs(local, config.uris, walk_options(config), config.out_dir)


def run(config: Config, console: Console) -> ExitCode:
    """Do what ``config`` asks; say how it went; return the exit status."""
    totals = Totals()
    sinks = Sinks(())
    try:
        if config.show_files:
            return show_files(config, console)
        cache, _ = cache_for(config)
        rules = load_rules(
            config.rules,
            default_rules=config.default_rules,
            packs=config.packs,
            cache_dir=cache.folder if cache is not None else None,
        )
        verify_examples(rule for rule in rules if not is_shipped(rule))
        if config.verbose:
            for source, count in Counter(rule.source for rule in rules).items():
                console.say(
                    f"rule file: {display_path(Path(source))} ({plural(count, 'rule')})", "dim"
                )
        if config.list_rules:
            sys.stdout.write(rules_listing(rules) + "\n")
            return ExitCode.CLEAN
        if not config.paths and not config.uris:
            raise UsageProblem("no PATH given: name the report files or folders to clean")
        selector = RuleSelector(
            rules,
            select=config.select,
            ignore=config.ignore,
            per_file_ignores=config.per_file_ignores,
            root=config.root,
            where={
                "select": config.where("select"),
                "ignore": config.where("ignore"),
                "per-file-ignores": config.where("per_file_ignores"),
            },
        )
        if not selector.rules:
            raise UsageProblem("no rules are active (check --no-default-rules, --select, --ignore)")
        file_options = FileOptions(
            config.max_removal,
            config.regex_timeout,
            config.encoding,
            config.output_original,
            CONTEXT_CHARS if config.report is not None else 0,
            config.text_field,
        )
        if config.suggest:
            return suggest(config, console, selector.rules, file_options)
        pieces = _stdin_pieces if config.stdin else _file_pieces
        tasks, work, engine, sinks = pieces(config, console, selector, file_options, cache)
        take_all(engine.map(tasks, work), sinks, totals)
        sinks.close(totals)
    except KeyboardInterrupt:
        try:
            sinks.abort(totals)
        except CleanReportsError as error:
            console.say(f"error: {error}", style="error")
        console.say(interrupted(totals))
        return ExitCode.INTERRUPTED
    except CleanReportsError:
        # The run stops: the sinks stop as for Ctrl-C (summary.json lists what was
        # written, marked as not finished; no half report is left), then the error is told.
        with contextlib.suppress(CleanReportsError):
            sinks.abort(totals)
        raise
    return exit_code(
        failed=totals.failed,
        findings=totals.findings,
        findings_fail=config.mode is not Mode.OUT_DIR,
    )


# What a run is made of: its tasks, the work done on each, the engine that does it, and
# the sinks its results go to.
_Pieces = tuple[Iterable[Task], Callable[[Task], FileResult], Engine, Sinks]


def _file_pieces(
    config: Config,
    console: Console,
    selector: RuleSelector,
    file_options: FileOptions,
    cache: Cache | None,
) -> _Pieces:
    """A run over files and folders (and object storage, with Ray)."""
    inputs = inputs_of(config)
    inputs.check()
    plain = Work(selector, config.work_mode, file_options, config.max_size)
    work = plain if cache is None else CachedWork(plain, cache)
    progress = None
    if not config.quiet and sys.stderr.isatty():
        progress = Progress(*inputs.count(), color=config.color)
    sinks = Sinks(sinks_for(config, console, selector.rules, cache, progress))
    if config.out_dir is not None:
        # Before the first output: a walk of a folder holding it never takes it for
        # input. If it cannot be written, each file's write fails and says why.
        with contextlib.suppress(OSError, CleanReportsError):
            tag_output_folder(config.out_dir)
    tasks = inputs.tasks(console.skipped if config.verbose else None)
    return tasks, work, engine_for(config), sinks


def _stdin_pieces(
    config: Config,
    console: Console,
    selector: RuleSelector,
    file_options: FileOptions,
    cache: Cache | None,
) -> _Pieces:
    """Standard input: one task, in this process; a filter's sinks tell only failures
    (its output is the text), a check's or a diff's are those of files."""
    filter_mode = config.mode in (Mode.OUT_DIR, Mode.IN_PLACE)
    work = StdinWork(selector, config.work_mode, filter_mode, file_options, config.max_size)
    name = config.stdin_filename
    if filter_mode:
        sinks = Sinks([Messages(console, quiet=True)])
    else:
        sinks = Sinks(sinks_for(config, console, selector.rules, None))
    return [Task("-", name, None, name)], work, Serial(), sinks


def interrupted(totals: Totals) -> str:
    """What a run stopped by Ctrl-C says of itself."""
    return (
        f"interrupted after {plural(totals.files, 'file')} "
        f"({totals.cleaned} with watermarks, {totals.failed} failed); "
        "every file written is complete; run again to finish."
    )


def take_all(results: Generator[FileResult, None, None], sinks: Sink, totals: Totals) -> None:
    """Give every result to the sinks and the totals, in order.

    On Ctrl-C the engine still gives the results of the files its workers finished,
    so the account of the run is complete, and the interrupt goes on.
    """
    ctrl_c = _HeldInterrupts()

    def take(result: FileResult) -> None:
        with ctrl_c.held():
            totals.add(result)
            sinks.add(result)

    try:
        with ctrl_c.installed():
            for result in results:
                take(result)
    except KeyboardInterrupt:
        with contextlib.suppress(KeyboardInterrupt, StopIteration):
            take(results.throw(KeyboardInterrupt()))
            for result in results:
                take(result)
        raise


class _HeldInterrupts:
    """Ctrl-C that waits until the result being reported is reported in full.

    A file's output is on disk before its result is reported; Ctrl-C in the middle of
    reporting it would leave a written file that summary.json and the totals do not
    count. While a result is taken, SIGINT is noted and raised as soon as it is done; at
    any other moment, waiting for the workers for one, it is raised at once, as usual.
    It is installed only where Python's own handler is (in the main thread, not
    replacing a caller's own).
    """

    def __init__(self) -> None:
        self.busy = False
        self.pending = False

    def _handler(self, signum: int, frame: object) -> None:
        if self.busy:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        try:
            own = signal.getsignal(signal.SIGINT) is signal.default_int_handler
            previous = signal.signal(signal.SIGINT, self._handler) if own else None
        except ValueError:  # not the main thread: signals are not ours to handle
            previous = None
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


def engine_for(config: Config) -> Engine:
    """Where the per-file work runs; ``-j`` sizes a local Ray instance's CPUs."""
    # The engines are imported only when chosen: multiprocessing and Ray's driver code
    # cost more start-up than a pre-commit check of a few files takes in all.
    if config.engine == "ray":
        from .engines.ray import Ray

        return Ray(config.ray_address, config.ray_cpus)
    paths = config.paths
    if config.jobs > 1 and (len(paths) > SERIAL_FILES or any(path.is_dir() for path in paths)):
        from .engines.pool import Pool

        return Pool(config.jobs)
    return Serial()


def sinks_for(
    config: Config,
    console: Console,
    rules: tuple[Rule, ...],
    cache: Cache | None,
    progress: Progress | None = None,
) -> list[Sink]:
    """The sinks a run's results go to, in the order they are told."""
    mode = config.mode
    # --check --diff: the diffs on stdout, and a check that speaks on stderr.
    stdout = sys.stderr if config.check_diff else sys.stdout
    sinks: list[Sink] = []
    if cache is not None:
        sinks.append(cache)
    if progress is not None:
        sinks.append(progress)
    if config.check_diff:
        sinks.append(Diffs(sys.stdout, flush=True))  # before its findings, on stderr
    sinks.append(
        Messages(
            console, in_place=mode is Mode.IN_PLACE, quiet=config.quiet, verbose=config.verbose
        )
    )
    if config.report is not None:
        from .sinks.html import HtmlReport  # only a run asked for a report needs it

        sinks.append(HtmlReport(config.report, mode.value))
    if mode is Mode.CHECK:
        cwd = Path.cwd()
        sinks.append(
            Findings(
                console,
                rules,
                find_repo_root(cwd.resolve()) or cwd,
                stdout,
                output_format=config.output_format,
                output_file=config.output_file,
                quiet=config.quiet,
                batch=not config.check_diff,
            )
        )
    elif mode is Mode.DIFF:
        sinks.append(Diffs(stdout))
    if config.out_dir is not None:
        sinks.append(Summary(config.out_dir, rules, console, quiet=config.quiet))
    if not config.quiet and mode is not Mode.CHECK:
        sinks.append(Closing(console, mode, config.out_dir))
    return sinks


def show_files(config: Config, console: Console) -> ExitCode:
    """``--show-files``: the files a run would take, one a line, as the run names them.

    They are walked as a run walks them (includes, excludes, .gitignore files, the output
    folder left out); ``-v`` says why each path left out was. A folder the walk cannot
    look into is an error, as in a run.
    """
    if not config.paths and not config.uris:
        raise UsageProblem("no PATH given: name the report files or folders")
    inputs = inputs_of(config)
    failed = 0
    local = Inputs(inputs.paths, (), inputs.walk)
    for source in local.sources(console.skipped if config.verbose else None):
        if source.error:
            failed += 1
            console.say(f"error: {source.path}: {source.error}", style="error")
        else:
            sys.stdout.write(shown(source.path) + "\n")
    if config.stdin or Path("-") in config.paths:
        sys.stdout.write(config.stdin_filename + "\n")
    for uri in config.uris:
        for remote in list_files(uri, inputs.walk):
            sys.stdout.write(remote.uri + "\n")
    return ExitCode.ERROR if failed else ExitCode.CLEAN


def suggest(
    config: Config, console: Console, rules: tuple[Rule, ...], file_options: FileOptions
) -> ExitCode:
    """``--suggest``: read the corpus as a run would, print (or write) the proposed rules.

    A file that cannot be read is an error, as in a run: the proposals of the rest are
    still given, and the exit status says that not every file was read.
    """
    from .suggest import explain, to_yaml  # PyYAML: only --suggest needs it
    from .suggest import suggest as propose

    inputs = Inputs(inputs_of(config).paths, (), walk_options(config))
    counted = {"documents": 0, "failed": 0}

    def texts() -> Iterator[str]:
        for documents in Serial().map(inputs.tasks(), DocumentWork(config.max_size, file_options)):
            if documents.error is not None:
                counted["failed"] += 1
                console.say(f"error: {documents.path}: {documents.error}", style="error")
            for text in documents.texts:
                counted["documents"] += 1
                yield text

    proposals = propose(texts(), rules)
    count, failed = counted["documents"], counted["failed"]
    document = to_yaml(proposals, count)
    if config.output_file is not None:
        atomic_write(config.output_file, document.encode("utf-8"))
    else:
        sys.stdout.write(document)
    failures = f"; {plural(failed, 'file')} failed" if failed else ""
    console.say(f"{plural(len(proposals), 'proposal')} from {plural(count, 'document')}{failures}.")
    for line in explain(proposals, count):
        console.say(f"  {line}")
    return exit_code(failed=failed, findings=0, findings_fail=False)
