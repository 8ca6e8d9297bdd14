(() => {
  "use strict";
  // Shown inside another site's frame, the page takes the whole window.
  if (window.top !== window.self) {
    try {
      window.top.location.replace(window.location.href);
    } catch {
      document.documentElement.hidden = true;
    }
  }
  const link = document.getElementById("quick-exit");
  if (!link) return;
  // Leave at once: hide the page, then replace it (and its entry in the
  // back history) with a neutral site.
  const leave = (event) => {
    event.preventDefault();
    document.documentElement.hidden = true;
    window.location.replace(link.href);
  };
  link.addEventListener("click", leave);
  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (event.timeStamp - lastEscape < 1000) leave(event);
    lastEscape = event.timeStamp;
  });
})();
