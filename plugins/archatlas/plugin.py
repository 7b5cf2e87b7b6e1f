"""The MkDocs plugin: glue between MkDocs' events and the library.

Load and check in `on_config`, generate pages and start drawing diagrams in
`on_files`, resolve `arch:` references in `on_page_content`, draw the
diagrams into the finished page in `on_post_page` (after the search index
has read it), wait for the last drawing and report in `on_post_build`, watch
the architecture in `on_serve`. Nothing else happens here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .check import Result, check_directory
from .findings import Finding, Severity, plural
from .kinds import KIND_SPECS
from .pages import Layout, mentions, nav_parents, nav_section, source_url
from .render import DotNotFound, find_dot
from .report import format_finding
from .settings import DEFAULTS, DIAGRAM_FORMATS, FAIL_ON, BuildSettings
from .site import (
    ICON_FOLDER,
    SCRIPTS,
    STYLESHEET,
    Site,
    build_site,
    finish_site,
    generated_clashes,
    page_digest,
    place_deferred,
    resolve_html,
    site_assets,
    site_options,
)

log = get_plugin_logger("archatlas")


class ArchatlasConfig(base.Config):
    architecture_dir = c.Dir(exists=True, default=DEFAULTS.architecture_dir)
    url_prefix = c.Type(str, default=DEFAULTS.url_prefix)
    diagram_format = c.Choice(DIAGRAM_FORMATS, default=DEFAULTS.diagram_format)
    fail_on = c.Choice(FAIL_ON, default=DEFAULTS.fail_on)
    allow_html = c.Type(bool, default=DEFAULTS.allow_html)
    dot_timeout = c.Type((int, float), default=DEFAULTS.dot_timeout)
    cache = c.Type(bool, default=DEFAULTS.cache)
    cache_dir = c.Type(str, default=DEFAULTS.cache_dir)


class ArchatlasPlugin(BasePlugin[ArchatlasConfig]):
    def __init__(self) -> None:
        self.result: Result | None = None
        self.site: Site | None = None
        # Under `serve --dirty` MkDocs keeps this plugin from build to build:
        # what each page was made of when last built, and in this build.
        self.serving = False
        self.dirty = False
        self.built: dict[str, str] = {}
        self.digests: dict[str, str] = {}
        self.started = 0.0  # when on_files began: the log gives the time since
        self.last: Site | None = None  # the last site a server built, finished

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty
        self.built = {}  # a new server starts from an empty site folder

    @property
    def settings(self) -> BuildSettings:
        return BuildSettings.from_mapping(self.config)

    @property
    def layout(self) -> Layout:
        return Layout(self.settings.layout_prefix)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            find_dot()
        except DotNotFound as error:
            raise PluginError(str(error)) from error
        self.result = check_directory(Path(self.config.architecture_dir), base=_project(config))
        _log_findings(self.result.open_findings)
        if self.result.fails(strict=self.config.fail_on == "warning"):
            count = plural(len(self.result.open_findings), "finding")
            raise PluginError(
                f"archatlas: the architecture has {count}; fix them (see above) to build the site"
            )
        config.extra_css.append(STYLESHEET)
        config.extra_javascript.extend(SCRIPTS)
        if config.nav is not None and not mentions(config.nav, self.layout.prefix + "/"):
            config.nav.append({"Architecture": nav_section(self.result.architecture, self.layout)})
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.result is not None
        docs = os.path.relpath(config.docs_dir, _project(config))
        sources = source_url(config.repo_url, config.edit_uri, Path(docs).as_posix())
        options = site_options(self.settings, _project(config), config.use_directory_urls, sources)
        documents = [page.content_string for page in files.documentation_pages()]
        self.started = time.monotonic()
        progress = Progress(self.started)
        # Drawn in the background while MkDocs builds the pages.
        self.site = build_site(
            self.result,
            options,
            documents,
            progress,
            keep_memo=not self.serving,
            background=True,
            previous=self.last,
        )
        clashes = generated_clashes(self.site, (file.src_uri for file in files))
        if clashes:
            raise PluginError(
                f"archatlas: docs/{clashes[0]} would be replaced by a generated page "
                f"({plural(len(clashes), 'such file')}): move it, or set the plugin's url_prefix"
            )
        changed = self._changed_pages(files, config)
        elements = self.site.element_pages
        for path, markdown in sorted(self.site.pages.items()):
            # Element pages are reached from catalogues and diagrams: listed
            # one by one, thousands of them would bury the navigation.
            inclusion = InclusionLevel.NOT_IN_NAV if path in elements else InclusionLevel.UNDEFINED
            page = _Decided.generated(config, path, content=markdown, inclusion=inclusion)
            cast(_Decided, page).modified = changed is None or path in changed
            files.append(page)
        for icon, source in self.site.icons.items():
            files.append(File.generated(config, f"{ICON_FOLDER}/{icon}", abs_src_path=str(source)))
        for path, image in self.site.images().items():
            files.append(File.generated(config, path, content=image))
        for path, content in site_assets().items():
            files.append(File.generated(config, path, content=content))
        return files

    def _changed_pages(self, files: Files, config: MkDocsConfig) -> set[str] | None:
        """Under `serve --dirty`, the pages whose digest changed since the last
        build, hand-written pages that link into the architecture included
        (these are then built by it, not by their file's time); None when
        every page is built."""
        if not self.dirty:
            return None
        assert self.site is not None
        sources = {
            file.src_uri: file.content_string
            for file in files.documentation_pages()
            if "arch:" in file.content_string
        }
        sources.update(self.site.pages)
        self.digests = {path: page_digest(self.site, path, text) for path, text in sources.items()}
        changed = {path for path, digest in self.digests.items() if self.built.get(path) != digest}
        for file in list(files.documentation_pages()):
            if file.src_uri in sources and file.abs_src_path is not None:
                decided = _Decided.generated(
                    config, file.src_uri, abs_src_path=file.abs_src_path, inclusion=file.inclusion
                )
                cast(_Decided, decided).modified = file.src_uri in changed or file.is_modified()
                files.remove(file)
                files.append(decided)
        return changed

    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.site is not None
        finish_site(self.site)
        _log_findings(self.site.diagram_findings())
        drawn = sum(1 for d in self.site.diagrams.values() if not d.cached)
        log.info(
            f"{plural(len(self.site.pages), 'page')}, {plural(drawn, 'diagram')} rendered, "
            f"{len(self.site.diagrams) - drawn:,} from cache, "
            f"{time.monotonic() - self.started:.1f} s"
        )
        self.built = self.digests  # only a build that finished counts
        self.last = self.site if self.serving else None

    def on_build_error(self, *, error: Exception) -> None:
        if self.site is not None:
            self.site.diagrams.cancel()

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if config.nav is None:
            # A kind's folder in the automatic nav holds only its catalogue
            # (element pages are not in the nav): show the catalogue itself.
            catalogues = {self.layout.catalogue(kind) for kind in KIND_SPECS}
            nav.items = _lift_catalogues(nav.items, catalogues)
        # An element page sits under its catalogue: the menu highlights the
        # catalogue, and a theme's breadcrumbs (page.ancestors) pass through it.
        assert self.result is not None
        pages = {file.src_uri: file.page for file in files.documentation_pages() if file.page}
        for child, parent in nav_parents(self.result.architecture, self.layout).items():
            if child in pages and parent in pages:
                pages[child].parent = pages[parent]  # type: ignore[assignment]
        return nav

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.site is not None
        path = page.file.src_uri
        generated = path in self.site.pages
        shown = path if generated else f"{Path(config.docs_dir).name}/{path}"
        source = page.file.content_string
        resolved, problems = resolve_html(self.site, path, html, source, shown, defer=True)
        _log_findings(problems)
        return resolved

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        # The drawings enter the page after the search index has read it.
        assert self.site is not None
        return place_deferred(self.site, page.file.src_uri, output)

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        server.watch(self.config.architecture_dir)
        return server


class _Decided(File):
    """A page whose build under `serve --dirty` archatlas decides, by what
    it is made of (see site.page_digest)."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class Progress:
    """Logs how many diagrams are drawn, every few seconds, so CI logs show progress."""

    def __init__(self, started: float, every: float = 5.0) -> None:
        self.last = started
        self.every = every

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every and done < total:
            self.last = now
            log.info(f"diagrams {done:,}/{total:,}")


def _project(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml: paths in findings and the cache are relative to it."""
    return Path(config.config_file_path or ".").resolve().parent


def _log_findings(findings: list[Finding] | tuple[Finding, ...]) -> None:
    for item in findings:
        if item.severity is Severity.ERROR:
            log.error(format_finding(item))
        else:
            log.warning(format_finding(item))


def _lift_catalogues(items: list[Any], catalogues: set[str]) -> list[Any]:
    lifted: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            item.children = _lift_catalogues(item.children, catalogues)
            only = item.children[0] if len(item.children) == 1 else None
            if isinstance(only, Page) and only.file.src_uri in catalogues:
                only.parent = item.parent
                lifted.append(only)
                continue
        lifted.append(item)
    return lifted
