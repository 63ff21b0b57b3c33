// The search page's only script: asks Pagefind's static index (built with the site)
// and lists matching tips, laws and stories. No other page loads JavaScript.
const form = document.querySelector("[data-search]");
const input = form.querySelector("input[name=q]");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
let pagefind;

// The index comes in shards (one Pagefind bundle each, see sage/search.py): load the
// first, then merge the others into it.
async function engine() {
  if (!pagefind) {
    const [first, ...others] = form.dataset.shards.split(",").filter(Boolean);
    pagefind = await import(`${form.dataset.bundle}${first}/pagefind.js`);
    await pagefind.options({ baseUrl: form.dataset.base });
    await Promise.all(others.map((shard) => pagefind.mergeIndex(`${form.dataset.bundle}${shard}/`)));
    pagefind.init();
  }
  return pagefind;
}

// Pagefind's excerpt is HTML with <mark> around matches; keep only the text and the marks.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const paragraph = document.createElement("p");
  paragraph.className = "result-excerpt";
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function result(data) {
  const item = document.createElement("li");
  item.className = "result";
  const kicker = document.createElement("p");
  kicker.className = "teaser-meta";
  kicker.textContent = [data.meta.kind, data.meta.week].filter(Boolean).join(" · ");
  const heading = document.createElement("h2");
  heading.className = "teaser-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(kicker, heading, excerpt(data.excerpt));
  return item;
}

async function run(query) {
  const term = query.trim();
  const url = new URL(location.href);
  if (term) url.searchParams.set("q", term);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!term) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const search = await (await engine()).debouncedSearch(term, {}, 150);
  if (search === null) return;
  const found = await Promise.all(search.results.slice(0, 20).map((hit) => hit.data()));
  list.replaceChildren(...found.map(result));
  const count = search.results.length;
  status.textContent = count
    ? `${count} result${count === 1 ? "" : "s"} for “${term}”`
    : `Nothing found for “${term}”. Try another word, or browse by theme.`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
input.addEventListener("input", () => run(input.value));
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
