/* JCM: small progressive enhancements; every page works without them. */
(function () {
  "use strict";
})();
