// sanitize-html's job for ipywidgets' HTML descriptions (ManagerBase.inline_sanitize, used only
// when a widget sets description_allow_html), done with the browser's own HTML parser instead
// of sanitize-html, postcss and htmlparser2 (a quarter of the page's script). As sanitize-html
// does by default: a tag not allowed is dropped and its text kept, except tags whose content is
// not text (script, style, svg...), dropped whole; comments and attributes not allowed are
// dropped; href and src keep only http(s), mailto, tel, ftp or a relative address.
const DROPPED_WHOLE = new Set([
  "script", "style", "textarea", "option", "noscript", "template", "iframe", "object", "embed",
  "svg", "math", "title", "xmp", "noembed", "noframes", "plaintext",
]);
const URL_ATTRIBUTES = new Set(["href", "src"]);
const SAFE_SCHEMES = /^(https?|mailto|tel|ftp):/i;

function allowedName(name, allowed) {
  return allowed.some((a) => (a.endsWith("*") ? name.startsWith(a.slice(0, -1)) : a === name));
}

function safeUrl(value) {
  const bare = value.replace(/[\u0000-\u0020\u007f]/g, ""); // what browsers skip in a scheme
  return !/^[a-z][a-z0-9+.-]*:/i.test(bare) || SAFE_SCHEMES.test(bare);
}

function clean(node, tags, attributes) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 3) continue; // text
    if (child.nodeType !== 1) {
      child.remove(); // comments and the like
      continue;
    }
    const tag = child.localName;
    if (!tags.includes(tag)) {
      if (DROPPED_WHOLE.has(tag)) child.remove();
      else {
        clean(child, tags, attributes);
        child.replaceWith(...child.childNodes);
      }
      continue;
    }
    const allowed = [...(attributes["*"] || []), ...(attributes[tag] || [])];
    for (const { name, value } of [...child.attributes]) {
      if (!allowedName(name, allowed) || (URL_ATTRIBUTES.has(name) && !safeUrl(value))) {
        child.removeAttribute(name);
      }
    }
    clean(child, tags, attributes);
  }
}

export default function sanitize(html, { allowedTags = [], allowedAttributes = {} } = {}) {
  // a parsed document is inert: none of its scripts runs and none of its images loads
  const body = new DOMParser().parseFromString(`<body>${html}`, "text/html").body;
  clean(body, allowedTags, allowedAttributes);
  return body.innerHTML;
}
