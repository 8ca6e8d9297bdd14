(() => {
  "use strict";
  // Inside another site's frame the page shows nothing, and asks to take
  // the whole window (browsers may refuse that without a tap).
  if (window.top !== window.self) {
    document.documentElement.hidden = true;
    try {
      window.top.location.replace(window.location.href);
    } catch {
      // The page stays hidden inside the frame.
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
  let lastEscape = Number.NEGATIVE_INFINITY;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (event.timeStamp - lastEscape < 1000) leave(event);
    lastEscape = event.timeStamp;
  });
})();
