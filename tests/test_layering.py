"""The arrows of the house point toward the core (design notes, "Architecture")."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Only the assemblies and the command-line entry put the core together with the outside world:
# bot/assembly.py with storage (no Telegram, no HTTP), bot/app.py, bot/try_mode.py and
# bot/__main__.py with all.
ASSEMBLY = {ROOT / "bot" / "app.py", ROOT / "bot" / "__main__.py", ROOT / "bot" / "try_mode.py"}
CORE_ASSEMBLY = ROOT / "bot" / "assembly.py"
OUTSIDE = {"telegram", "starlette", "uvicorn", "fastapi", "httpx", "handlers"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def test_the_core_knows_neither_telegram_nor_storage_nor_handlers() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        if path in ASSEMBLY:
            continue
        if path == CORE_ASSEMBLY:
            forbidden = imported_modules(path) & OUTSIDE
            assert not forbidden, f"{path.relative_to(ROOT)} imports {forbidden}"
            continue
        forbidden = imported_modules(path) & (OUTSIDE | {"storage", "aiosqlite"})
        assert not forbidden, f"{path.relative_to(ROOT)} imports {forbidden}"


def test_handlers_never_speak_sql() -> None:
    for path in (ROOT / "handlers").rglob("*.py"):
        assert not imported_modules(path) & {"storage", "aiosqlite", "sqlite3"}, path.name
        assert "SELECT " not in path.read_text() and "INSERT " not in path.read_text()


def test_storage_and_i18n_do_not_reach_into_handlers() -> None:
    for folder in ("storage", "i18n"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "handlers" not in imported_modules(path), path.name


def service_calls(function: ast.AST) -> set[str]:
    """The `self.deps.<service>.<use case>(...)` calls in a function's body."""
    calls = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if (
                isinstance(owner, ast.Attribute)
                and isinstance(owner.value, ast.Attribute)
                and owner.value.attr == "deps"
            ):
                calls.add(f"{owner.attr}.{node.func.attr}")
    return calls


def test_a_handler_calls_one_use_case_for_one_update() -> None:
    """A handler parses, calls one use case, renders its reply: who else must be told comes
    back from that use case as notices, never from a second call. Each path an update can
    take is one function here, so no function may call two."""
    offenders = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                calls = service_calls(node)
                if len(calls) > 1:
                    offenders.append(f"{path.name}:{node.name} calls {sorted(calls)}")
    assert offenders == []


def test_the_check_above_sees_a_second_call() -> None:
    two = ast.parse(
        "async def f(self):\n    await self.deps.needs.cancel(p, 1)\n"
        "    await self.deps.operators.view(1)\n"
    )
    assert service_calls(two) == {"needs.cancel", "operators.view"}


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def test_conversations_are_mobilots_not_telegrams() -> None:
    """A conversation's state lives in Mobilot's own table (bot/conversations): no adapter
    keeps one in python-telegram-bot's ConversationHandler, which reads its states once into
    one process's memory."""
    for path in [*(ROOT / "handlers").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        assert "ConversationHandler" not in imported_names(path), path.relative_to(ROOT)
    conversations = ROOT / "bot" / "conversations"
    flows = {path.stem for path in conversations.glob("*.py")} - {"__init__", "engine", "model"}
    assert {"offer", "find", "caller", "aids", "apply", "review", "report", "forget"} <= flows


def module_graph() -> dict[str, set[str]]:
    """Which of the project's modules each one imports, at run time (imports made only for
    the type checker are left out; those inside functions count: they are cycles deferred)."""
    paths = {}
    for package in ("bot", "handlers", "storage", "i18n"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            paths[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text())
        for_checker = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        targets = set()
        for node in ast.walk(tree):
            if id(node) in for_checker:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in paths else node.module)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        graph[name] = targets & paths.keys()
    return graph


def test_no_import_cycle() -> None:
    graph = module_graph()
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module) :] + [module]
            raise AssertionError("import cycle: " + " → ".join(cycle))
        if module in done:
            return
        for target in sorted(graph[module]):
            walk(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
