"""`mkdocs.yml` read without MkDocs, for `courtside build`: what the private files depend on.

The file is read as MkDocs 1.6 reads it, so that both builds see the same values: PyYAML's
full loader (YAML 1.1, `!!python/name:` tags), `!ENV` and `!relative` tags, and `INHERIT`
(the parent file merged under this one, mappings key by key). Only what the client pages,
calendars, `board.json` and `_headers` depend on is taken: `site_dir`, `docs_dir`,
`site_url`, `use_directory_urls`, `markdown_extensions` (after MkDocs' own `toc`, `tables`,
`fenced_code`), `theme.custom_dir`, and the `courtside` plugin's options. Every other key is
MkDocs' business and is left alone.

Problems are `file:line: field: message`, all of them at once, like the engagements'.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.problems import Invalid, Problem

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
"""The file names MkDocs and ProperDocs look for."""

MARKDOWN_BUILTINS = ("toc", "tables", "fenced_code")
"""The Markdown extensions MkDocs 1.6 always puts first (`MkDocsConfig.markdown_extensions`)."""

PLUGIN = "courtside"

PLUGIN_DEFAULTS: dict[str, Any] = {
    "projects": "projects",
    "today": None,
    "client_dir": "c",
    "board": True,
    "board_path": None,
    "board_protected": False,
    "jobs": 0,
    "history": True,
    "on_invalid": "fail",
}
"""The plugin's options and their defaults, as config.py declares them for MkDocs."""


@dataclass(frozen=True)
class SiteConfig:
    """What a `courtside build` takes from `mkdocs.yml` (or the defaults, without one)."""

    file: Path | None  # the file read; None: there is none, every value is a default
    root: Path  # the folder relative paths start from: the file's, else the working folder
    site_dir: Path
    docs_dir: Path
    site_url: str | None
    use_directory_urls: bool
    markdown_extensions: list[str]
    mdx_configs: dict[str, dict]
    custom_dir: Path | None
    plugin: dict[str, Any] = field(default_factory=lambda: dict(PLUGIN_DEFAULTS))
    plugin_listed: bool = False  # whether `plugins:` lists courtside


class AmbiguousConfig(ValueError):
    """More than one config file in the folder: the text names them."""


def find_config(folder: Path) -> Path | None:
    """The config file of the site in `folder`: the one of CONFIG_NAMES there (None: none).

    Two of them (say `mkdocs.yml` and `properdocs.yml`) are ambiguous: MkDocs and ProperDocs
    would each read another one, so the user names it.
    """
    found = [folder / name for name in CONFIG_NAMES if (folder / name).is_file()]
    if len(found) > 1:
        raise AmbiguousConfig(" and ".join(path.name for path in found))
    return found[0] if found else None


def default_config(root: Path) -> SiteConfig:
    """The values of a site without a config file: MkDocs' and the plugin's defaults."""
    return SiteConfig(
        file=None,
        root=root,
        site_dir=root / "site",
        docs_dir=root / "docs",
        site_url=None,
        use_directory_urls=True,
        markdown_extensions=list(MARKDOWN_BUILTINS),
        mdx_configs={},
        custom_dir=None,
    )


def read_site_config(path: Path) -> SiteConfig:
    """`path` read as MkDocs reads it; raises `Invalid` with every problem found."""
    layers = _load_layers(path.resolve(), [], str(path))
    data: dict[str, Any] = {}
    for _, _, layer in reversed(layers):  # the furthest parent first, this file last
        _merge(data, layer)
    where = _Where(layers, path)
    problems: list[Problem] = []
    root = path.resolve().parent

    def problem(key_path: tuple[str, ...], message: str) -> None:
        problems.append(where.problem(key_path, message))

    site_dir = _folder(data, "site_dir", "site", root, problem)
    docs_dir = _folder(data, "docs_dir", "docs", root, problem)
    site_url = data.get("site_url")
    if site_url in (None, ""):
        site_url = None
    elif not isinstance(site_url, str) or urlsplit(site_url).scheme not in ("http", "https") or not urlsplit(site_url).netloc:
        problem(("site_url",), f"expected an address like https://studio.example/, got {site_url!r}")
        site_url = None
    elif not site_url.endswith("/"):
        site_url += "/"  # MkDocs' URL(is_dir=True) does the same
    directory_urls = data.get("use_directory_urls", True)
    if not isinstance(directory_urls, bool):
        problem(("use_directory_urls",), f"expected true or false, got {directory_urls!r}")
        directory_urls = True
    extensions, configs = _markdown(data.get("markdown_extensions", []), problem)
    custom_dir = None
    theme = data.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir") is not None:
        custom = theme["custom_dir"]
        if not isinstance(custom, str | os.PathLike):
            problem(("theme", "custom_dir"), f"expected a folder, got {custom!r}")
        else:
            custom_dir = root / os.fspath(custom)
            if not custom_dir.is_dir():
                problem(("theme", "custom_dir"), f"the folder {custom_dir} does not exist")
    listed, options = _plugin_options(data.get("plugins"), problem)
    configs = _resolve_relative(configs, root, docs_dir)
    if problems:
        raise Invalid(problems)
    return SiteConfig(
        file=path,
        root=root,
        site_dir=site_dir,
        docs_dir=docs_dir,
        site_url=site_url,
        use_directory_urls=directory_urls,
        markdown_extensions=extensions,
        mdx_configs=configs,
        custom_dir=custom_dir,
        plugin=options,
        plugin_listed=listed,
    )


# -- Reading the YAML ------------------------------------------------------------------------


class _Relative:
    """A `!relative` tag's value, made a path once the folders are known (`_resolve_relative`)."""

    def __init__(self, value: str) -> None:
        self.value = value


def _construct_env(loader: yaml.Loader, node: Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable that is set, read as
    a YAML scalar, else the default (what pyyaml_env_tag does for MkDocs)."""
    default = None
    if isinstance(node, ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a variable name or a list of them, found {node.id}", node.start_mark
        )
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(ScalarNode, value, (True, False))
            return loader.construct_object(ScalarNode(tag, value))
    return default


def _construct_relative(loader: yaml.Loader, node: Node) -> _Relative:
    return _Relative(str(loader.construct_scalar(node) or ""))  # type: ignore[arg-type]


class _Loader(yaml.Loader):
    """MkDocs' loader: PyYAML's full loader with the `!ENV` and `!relative` tags."""


_Loader.add_constructor("!ENV", _construct_env)
_Loader.add_constructor("!relative", _construct_relative)


def _load_layers(path: Path, seen: list[Path], name: str) -> list[tuple[Path, Node | None, dict[str, Any]]]:
    """The file and the files it inherits from (INHERIT), nearest first: (path, node, data).
    `name`: how problems name this file (the config file as the user gave it)."""
    if path in seen:
        raise Invalid([Problem(name, 1, "INHERIT", f"{path} is inherited twice: a loop")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid([Problem(name, 1, "", f"cannot read the file: {exc}")]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:  # bad syntax, or a `!!python/name:` that does not import
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise Invalid([Problem(name, line, "", f"cannot be read as YAML: {exc.problem or exc}")]) from None
    except (yaml.YAMLError, ImportError, AttributeError) as exc:
        raise Invalid([Problem(name, 1, "", f"cannot be read as YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid([Problem(name, 1, "", "expected a mapping of settings like `site_name: ...`")])
    layers: list[tuple[Path, Node | None, dict[str, Any]]] = [(path, node, data)]
    if "INHERIT" in data:
        parent = data.pop("INHERIT")
        line = _line_of(node, ("INHERIT",))[1] or 1
        if not isinstance(parent, str):
            raise Invalid([Problem(name, line, "INHERIT", f"expected a file name, got {parent!r}")])
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise Invalid([Problem(name, line, "INHERIT", f"the file {parent_path} does not exist")])
        layers += _load_layers(parent_path, [*seen, path], str(parent_path))
    return layers


def _merge(into: dict[str, Any], over: dict[str, Any]) -> None:
    """`over` merged into `into`: mappings key by key, anything else replaced (mergedeep's
    REPLACE strategy, as MkDocs merges an inherited file)."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _line_of(node: Node | None, key_path: tuple[str, ...]) -> tuple[int, int | None]:
    """How many steps of `key_path` the document holds, and the line of the deepest one.

    In a list, a step names the item that is that word or a one-key mapping of it (how
    `plugins:` and `markdown_extensions:` list their entries).
    """
    depth, line = 0, None
    for step in key_path:
        found = None
        if isinstance(node, MappingNode):
            found = next(((key, value) for key, value in node.value if isinstance(key, ScalarNode) and key.value == step), None)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                if isinstance(item, ScalarNode) and item.value == step:
                    found = (item, None)
                elif isinstance(item, MappingNode) and len(item.value) == 1 and item.value[0][0].value == step:
                    found = item.value[0]
                if found is not None:
                    break
        if found is None:
            break
        depth, line, node = depth + 1, found[0].start_mark.line + 1, found[1]
    return depth, line


class _Where:
    """Where a key is written: the file (this one or one it inherits from) that holds most of
    its path, the nearest one on a tie."""

    def __init__(self, layers: list[tuple[Path, Node | None, dict[str, Any]]], shown: Path) -> None:
        self.layers = layers
        self.shown = shown  # the file as the user named it

    def problem(self, key_path: tuple[str, ...], message: str) -> Problem:
        best = (0, 1, str(self.shown))
        for index, (path, node, _) in enumerate(self.layers):
            depth, line = _line_of(node, key_path)
            if depth > best[0] and line is not None:
                best = (depth, line, str(self.shown if index == 0 else path))
        return Problem(best[2], best[1], ".".join(key_path), message)


# -- The values ------------------------------------------------------------------------------


def _folder(data: dict[str, Any], key: str, default: str, root: Path, problem) -> Path:
    value = data.get(key, default)
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        problem((key,), f"expected a folder, got {value!r}")
        value = default
    return (root / os.fspath(value)).resolve()


def _markdown(value: Any, problem) -> tuple[list[str], dict[str, dict]]:
    """Extension names after MkDocs' built-in ones, and their configs (MkDocs' rules)."""
    names: list[str] = []
    configs: dict[str, dict] = {}
    entries = list(value.items()) if isinstance(value, dict) else value
    if not isinstance(entries, list):
        problem(("markdown_extensions",), f"expected a list of extension names, got {value!r}")
        entries = []
    for entry in entries:
        if isinstance(entry, tuple):  # a mapping's (name, config)
            name, config = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            name, config = next(iter(entry.items()))
        elif isinstance(entry, str):
            name, config = entry, None
        else:
            problem(("markdown_extensions",), f"expected an extension name, or one name with its options, got {entry!r}")
            continue
        if not isinstance(name, str):
            problem(("markdown_extensions",), f"{name!r} is not an extension name")
            continue
        if config:
            if not isinstance(config, dict):
                problem(("markdown_extensions", name), f"expected the extension's options as a mapping, got {config!r}")
                continue
            configs[name] = config
        names.append(name)
    return list(dict.fromkeys([*MARKDOWN_BUILTINS, *names])), configs


def _resolve_relative(value: Any, root: Path, docs_dir: Path) -> Any:
    """`!relative` values made paths: `$config_dir/x` from the config's folder, `$docs_dir/x`
    from the docs, and a bare `!relative` (the page's own folder) as the docs folder: client
    pages have no folder in the docs."""
    if isinstance(value, _Relative):
        prefix, _, rest = value.value.partition("/")
        base = {"$config_dir": root, "$docs_dir": docs_dir}.get(prefix)
        if base is None:
            return str(docs_dir / value.value) if value.value else str(docs_dir)
        return str(base / rest) if rest else str(base)
    if isinstance(value, dict):
        return {key: _resolve_relative(item, root, docs_dir) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_relative(item, root, docs_dir) for item in value]
    return value


def _plugin_options(plugins: Any, problem) -> tuple[bool, dict[str, Any]]:
    """Whether `plugins:` lists courtside, and its options checked like config.py checks them."""
    options = dict(PLUGIN_DEFAULTS)
    given: Any = None
    listed = False
    entries = list(plugins.items()) if isinstance(plugins, dict) else plugins or []
    if not isinstance(entries, list):
        problem(("plugins",), f"expected a list of plugins, got {plugins!r}")
        return False, options
    for entry in entries:
        if isinstance(entry, tuple):
            name, config = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            name, config = next(iter(entry.items()))
        else:
            name, config = entry, None
        if name == PLUGIN:
            listed, given = True, config
    if given is None:
        return listed, options
    if not isinstance(given, dict):
        problem(("plugins", PLUGIN), f"expected the plugin's options as a mapping, got {given!r}")
        return listed, options
    for key, value in given.items():
        where = ("plugins", PLUGIN, str(key))
        if key == "enabled":  # MkDocs' switch for any plugin; `courtside build` is asked for explicitly
            if not isinstance(value, bool):
                problem(where, f"expected true or false, got {value!r}")
            continue
        if key not in PLUGIN_DEFAULTS:
            from difflib import get_close_matches

            close = get_close_matches(str(key), PLUGIN_DEFAULTS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(PLUGIN_DEFAULTS)}"
            problem(where, f"unknown option{hint}")
            continue
        message = _option_problem(key, value)
        if message:
            problem(where, message)
        else:
            options[key] = value
    return listed, options


def _option_problem(key: str, value: Any) -> str | None:
    """What is wrong with one plugin option's value (None: nothing), as config.py's types say."""
    if key in ("projects", "client_dir"):
        return None if isinstance(value, str) else f"expected text, got {value!r}"
    if key == "board_path":
        return None if value is None or isinstance(value, str) else f"expected text, got {value!r}"
    if key in ("board", "board_protected"):
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if key == "today":
        return None if value is None or isinstance(value, str | date) else f"expected a date YYYY-MM-DD, got {value!r}"
    if key == "jobs":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else f"expected 0 (one per CPU) or a larger whole number, got {value!r}"
    if key == "history":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if key == "on_invalid":
        from ..options import ON_INVALID

        return None if value in ON_INVALID else f"expected one of {', '.join(ON_INVALID)}, got {value!r}"
    return None
