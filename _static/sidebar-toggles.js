// The header's sidebar buttons (the table of contents, "on this page") open on every screen.
// pydata-sphinx-theme 0.17 adds a second button of class primary-toggle beside
// sphinx-book-theme 1.3's, and binds its click (and the book theme its wide-screen collapse) to
// the first of them only, which is hidden: the visible one did nothing
// (pydata/pydata-sphinx-theme#2451, executablebooks/sphinx-book-theme#988).
// Every other button of the same class now passes its click on to the bound one.
document.addEventListener("DOMContentLoaded", () => {
  for (const side of ["primary", "secondary"]) {
    const [bound, ...others] = document.querySelectorAll(`.${side}-toggle`);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
});
