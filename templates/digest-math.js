/* MathJax settings for research-digest: typeset only the math that the digest marked
   up (span.arithmatex), with no extension that could load files, add links outside
   http(s), or style the page from a title. Loaded before MathJax itself. */
window.MathJax = {
  loader: { load: ["ui/safe"] },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    packages: { "[-]": ["require", "autoload", "html"] }
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    enableMenu: false
  }
};
