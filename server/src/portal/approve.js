// The approval page's own script, the only one the portal serves (its policy allows
// this origin's scripts on that page alone): the time left, and every two seconds a
// question to the service whether the app has answered. Once it has, or the time is
// up, the page reloads and goes on: to the site or the signed-in page, or back to
// "Obtain PIN" saying why. Without script the page reloads itself every five seconds.
(function () {
  "use strict";
  var box = document.querySelector("[data-approval-status]");
  if (!box) {
    return;
  }
  var statusPath = box.getAttribute("data-approval-status");
  var expires = Number(box.getAttribute("data-expires"));
  // The service's clock, not the computer's: they may be minutes apart.
  var offset = Number(box.getAttribute("data-now")) - Date.now();
  var left = document.getElementById("approve-left");
  var ticking = setInterval(tick, 1000);

  function tick() {
    var ms = Math.max(0, expires - (Date.now() + offset));
    var secs = Math.ceil(ms / 1000);
    left.textContent = Math.floor(secs / 60) + ":" + String(secs % 60).padStart(2, "0");
    if (ms === 0) {
      clearInterval(ticking);
    }
  }

  function poll() {
    fetch(statusPath, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(
        function (body) {
          if (body && body.state !== "pending") {
            window.location.reload();
          } else {
            setTimeout(poll, 2000);
          }
        },
        function () {
          // The network dropped: ask again a little later.
          setTimeout(poll, 5000);
        }
      );
  }

  tick();
  setTimeout(poll, 2000);
})();
