// The reader's market: picked once (a "?market=" link on any page, or the compare page's market
// filter), remembered in this browser, and shown on every product page. It runs in the page's
// head, before anything is drawn, so nothing moves; without it every market is shown.
(function () {
  "use strict";
  var KEY = "care-catalog.market";
  var root = document.documentElement;
  var id = /^(all|[a-z]{2})$/; // a region id (ISO 3166 alpha-2, lower case) or "all"

  function stored() {
    try {
      return window.localStorage.getItem(KEY) || "";
    } catch (e) {
      return "";
    }
  }

  function remember(market) {
    try {
      if (market) {
        window.localStorage.setItem(KEY, market);
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      // Storage refused (a private window): the choice lasts for this page only.
    }
  }

  var asked = new URLSearchParams(window.location.search).get("market") || "";
  if (id.test(asked)) {
    remember(asked);
  }
  var wanted = id.test(asked) ? asked : stored();
  // A product page lists its markets, the one with the most recent amounts first.
  var offered = (root.getAttribute("data-markets") || "").split(" ").filter(Boolean);
  if (offered.length && wanted !== "all" && offered.indexOf(wanted) < 0) {
    wanted = offered[0];
  }
  root.classList.add("js");
  if (wanted && wanted !== "all") {
    root.setAttribute("data-market", wanted);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("a[data-market-link]");
    Array.prototype.forEach.call(links, function (link) {
      if (link.getAttribute("data-market-link") === (wanted || "all")) {
        link.setAttribute("aria-current", "true");
      }
    });
  });

  window.careCatalogMarket = {
    chosen: function () {
      return wanted === "all" ? "" : wanted;
    },
    remember: function (market) {
      wanted = market || "all";
      remember(wanted);
    }
  };
})();
