"""Checks the app sources that cannot be compiled here (no Android SDK, no Swift).

- Kotlin of the Android app and the Gradle scripts, and the hand-written Swift, parse
  (tree-sitter grammars from PyPI): a syntax error is reported with its file and line.
- The Android resources are well-formed XML; every language has exactly the Spanish
  file's strings, with the same placeholders and plural quantities, and no
  apostrophe aapt would refuse.
- Every resource the app's Kotlin and manifest name exists.

Prints what it checked; exits 1 with every problem found.
"""

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

import tree_sitter_kotlin
import tree_sitter_swift
from tree_sitter import Language, Parser

ROOT = pathlib.Path(__file__).resolve().parent.parent
ANDROID = ROOT / "android"
APP = ANDROID / "app" / "src"
RES = APP / "main" / "res"
IOS_APP = ROOT / "ios" / "App"
IOS_STRINGS = IOS_APP / "ClavePIN" / "Resources"
IOS_PLACEHOLDER = re.compile(r"%(\d+\$)?[@df]")
IOS_LINE = re.compile(r'^"([^"]+)" = "((?:[^"\\]|\\.)*)";$')
LANGUAGES = ["en", "ca", "gl", "eu"]
PLACEHOLDER = re.compile(r"%(\d+\$)?[sdf]")

problems: list[str] = []


def rel(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


def first_error(node):
    """The first ERROR or MISSING node under node, depth first."""
    if node.is_error or node.is_missing:
        return node
    for child in node.children:
        found = first_error(child)
        if found is not None:
            return found
    return None


def parse_all(language, files) -> int:
    parser = Parser(Language(language))
    for path in files:
        tree = parser.parse(path.read_bytes())
        bad = first_error(tree.root_node)
        if bad is not None:
            line, column = bad.start_point
            problems.append(f"{rel(path)}:{line + 1}:{column + 1}: does not parse")
    return len(files)


def strings(path: pathlib.Path):
    """name -> (kind, text or {quantity: text}) of one strings.xml."""
    found = {}
    for element in ET.parse(path).getroot():
        name = element.get("name")
        if element.get("translatable") == "false":
            continue
        if element.tag == "string":
            found[name] = ("string", element.text or "")
        elif element.tag == "plurals":
            found[name] = ("plurals", {item.get("quantity"): item.text or "" for item in element})
    return found


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def unescaped_apostrophe(text: str) -> bool:
    return re.search(r"(?<!\\)'", text) is not None


def check_strings() -> int:
    spanish = strings(RES / "values" / "strings.xml")
    for name, (kind, text) in spanish.items():
        texts = text.values() if kind == "plurals" else [text]
        if any(unescaped_apostrophe(t) for t in texts):
            problems.append(f"values/strings.xml: {name} has an unescaped apostrophe")
    for language in LANGUAGES:
        path = RES / f"values-{language}" / "strings.xml"
        other = strings(path)
        for name in spanish.keys() - other.keys():
            problems.append(f"{rel(path)}: {name} is missing")
        for name in other.keys() - spanish.keys():
            problems.append(f"{rel(path)}: {name} is not in values/strings.xml")
        for name in spanish.keys() & other.keys():
            (kind, text), (other_kind, other_text) = spanish[name], other[name]
            if kind != other_kind:
                problems.append(f"{rel(path)}: {name} is a {other_kind}, not a {kind}")
                continue
            if kind == "plurals":
                if "other" not in other_text:
                    problems.append(f"{rel(path)}: {name} has no 'other' quantity")
                pairs = [(text.get("other", ""), t) for t in other_text.values()]
            else:
                pairs = [(text, other_text)]
            for mine, theirs in pairs:
                if placeholders(mine) != placeholders(theirs):
                    problems.append(f"{rel(path)}: {name} has placeholders {placeholders(theirs)}, not {placeholders(mine)}")
                if unescaped_apostrophe(theirs):
                    problems.append(f"{rel(path)}: {name} has an unescaped apostrophe")
    return len(spanish)


def defined_resources():
    """(type, name) of every resource under res/ and src/debug/res."""
    found = set()
    for res in APP.glob("*/res"):
        for path in res.rglob("*"):
            if not path.is_file():
                continue
            kind = path.parent.name.split("-")[0]
            if kind == "values":
                for element in ET.parse(path).getroot():
                    tag = {"string": "string", "plurals": "plurals", "style": "style", "color": "color"}.get(element.tag)
                    if tag:
                        found.add((tag, element.get("name")))
            else:
                found.add((kind, path.stem))
    return found


def check_references() -> int:
    defined = defined_resources()
    used = set()
    for path in (APP / "main" / "kotlin").rglob("*.kt"):
        for kind, name in re.findall(r"\bR\.(string|plurals|drawable|xml|style)\.(\w+)", path.read_text()):
            used.add((kind, name, rel(path)))
    for path in APP.rglob("AndroidManifest.xml"):
        for kind, name in re.findall(r"@(string|drawable|xml|style)/([\w.]+)", path.read_text()):
            used.add((kind, name, rel(path)))
    for kind, name, where in sorted(used):
        if (kind, name) not in defined:
            problems.append(f"{where}: R.{kind}.{name} is not defined")
    return len(used)


def check_xml() -> int:
    files = list(APP.rglob("*.xml"))
    for path in files:
        try:
            ET.parse(path)
        except ET.ParseError as e:
            problems.append(f"{rel(path)}: {e}")
    return len(files)


def ios_strings(path: pathlib.Path) -> dict[str, str]:
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("/*"):
            continue
        match = IOS_LINE.match(line)
        if match is None:
            problems.append(f"{rel(path)}:{number}: not a \"key\" = \"text\"; line")
            continue
        found[match.group(1)] = match.group(2)
    return found


def check_ios_strings() -> int:
    spanish = ios_strings(IOS_STRINGS / "es.lproj" / "Localizable.strings")
    for language in LANGUAGES:
        path = IOS_STRINGS / f"{language}.lproj" / "Localizable.strings"
        other = ios_strings(path)
        for name in spanish.keys() - other.keys():
            problems.append(f"{rel(path)}: {name} is missing")
        for name in other.keys() - spanish.keys():
            problems.append(f"{rel(path)}: {name} is not in es.lproj")
        for name in spanish.keys() & other.keys():
            mine = sorted(m.group(0) for m in IOS_PLACEHOLDER.finditer(spanish[name]))
            theirs = sorted(m.group(0) for m in IOS_PLACEHOLDER.finditer(other[name]))
            if mine != theirs:
                problems.append(f"{rel(path)}: {name} has placeholders {theirs}, not {mine}")
    # Every key the app's Swift asks for, and the alert keys the service's APNs payload names.
    used = set()
    for path in IOS_APP.rglob("*.swift"):
        used |= {(key, rel(path)) for key in re.findall(r'\bL\("(\w+)"', path.read_text())}
    # The views name keys in ternaries and tuples too: every snake_case literal there is one.
    for path in (IOS_APP / "ClavePIN" / "Views").rglob("*.swift"):
        used |= {(key, rel(path)) for key in re.findall(r'"([a-z]+(?:_[a-z]+)+_?)"', path.read_text())}
    push = (ROOT / "server" / "src" / "delivery" / "payloads.rs").read_text()
    used |= {(key, "server/src/delivery/payloads.rs") for key in re.findall(r'"(?:title-)?loc-key": "(\w+)"', push)}
    for key, where in sorted(used):
        if key not in spanish:
            problems.append(f"{where}: the iOS string {key} is not defined")
    return len(spanish)


def main() -> int:
    kotlin = sorted((ANDROID / "app").rglob("*.kt")) + sorted(ANDROID.rglob("*.gradle.kts"))
    swift = sorted(p for p in (ROOT / "ios").rglob("*.swift") if "Generated" not in p.parts)
    counts = {
        "Kotlin files parsed": parse_all(tree_sitter_kotlin.language(), kotlin),
        "Swift files parsed": parse_all(tree_sitter_swift.language(), swift),
        "XML files": check_xml(),
        # Only on well-formed files: a broken one was reported above.
        "strings in 5 languages": check_strings() if not any(".xml:" in p for p in problems) else 0,
        "resource references": check_references(),
        "iOS strings in 5 languages": check_ios_strings(),
    }
    print("sources: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
