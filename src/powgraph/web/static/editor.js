// The query editor (YASGUI, vendored): examples, autocompletion answered by this server only,
// result IRIs under the base linked to their page here, and errors shown as readable text.
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const YasguiClass = Yasgui.default || Yasgui;
  const Yasqe = YasguiClass.Yasqe;
  const Yasr = YasguiClass.Yasr;

  // Every IRI in a prefixed form (by the server's predeclared prefixes) and in full.
  const shortForms = (iri) => {
    const forms = [`<${iri}>`];
    for (const [prefix, namespace] of Object.entries(config.prefixes)) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && /^[A-Za-z_][\w-]*$/.test(local)) {
        forms.unshift(`${prefix}:${local}`);
      }
    }
    return forms;
  };

  // Terms from one of the editor's queries, asked of this endpoint (GET: cached like any answer).
  const terms = (name) => {
    const url = `${config.endpoint}?query=${encodeURIComponent(config.completions[name])}`;
    return fetch(url, { headers: { Accept: "application/sparql-results+json" } })
      .then((response) => (response.ok ? response.json() : { results: { bindings: [] } }))
      .then((json) => json.results.bindings.flatMap((row) => shortForms(row.term.value)))
      .catch(() => []);
  };

  const termCompleter = (name) => ({
    name: `pow-${name}`,
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: () => terms(name),
    preProcessToken: undefined,
    postProcessSuggestion: undefined,
  });
  Yasqe.forkAutocompleter("prefixes", {
    name: "pow-prefixes",
    persistenceId: null,
    get: () => Object.entries(config.prefixes).map(([p, ns]) => `${p}: <${ns}>`).sort(),
  }, false);
  Yasqe.forkAutocompleter("class", termCompleter("classes"), false);
  Yasqe.forkAutocompleter("property", termCompleter("properties"), false);
  Yasqe.defaults.autocompleters = ["pow-prefixes", "pow-classes", "pow-properties", "variables"];

  // The server's error ({"error": {"message", "line", "column"}}) as text, not escaped JSON.
  const renderError = (summary) => {
    let error;
    try {
      error = JSON.parse(summary.text || "").error;
    } catch {
      return undefined;
    }
    if (!error || !error.message) return undefined;
    const box = document.createElement("div");
    box.className = "query-error";
    const title = document.createElement("strong");
    const where = error.line ? ` at line ${error.line}, column ${error.column}` : "";
    title.textContent = `Error ${error.status || summary.status || ""} (${error.kind})${where}`;
    const message = document.createElement("pre");
    message.textContent = error.message;
    box.append(title, message);
    return box;
  };
  Yasr.defaults.errorRenderers = [renderError, ...(Yasr.defaults.errorRenderers || [])];

  // IRIs under the base, linked to the page that describes them here.
  const localise = (root) => {
    for (const link of root.querySelectorAll("a[href]")) {
      for (const [prefix, local] of Object.entries(config.local)) {
        if (link.href.startsWith(prefix)) {
          link.href = local + link.href.slice(prefix.length);
          link.removeAttribute("target");
        }
      }
    }
  };
  const results = document.getElementById("yasgui");
  new MutationObserver(() => localise(results)).observe(results, { childList: true, subtree: true });

  const linked = location.hash.startsWith("#query=") ? decodeURIComponent(location.hash.slice(7)) : null;
  Yasqe.defaults.value = linked || config.examples.figures || Object.values(config.examples)[0];
  const yasgui = new YasguiClass(results, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [] },
    persistenceId: null,
  });
  if (linked) yasgui.getTab().setQuery(linked);
  document.querySelectorAll("#examples button").forEach((button) => {
    button.addEventListener("click", () => {
      const tab = yasgui.getTab();
      tab.setQuery(config.examples[button.dataset.query]);
      tab.query();
    });
  });
})();
