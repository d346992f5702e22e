// Progressive help only: every page works without this file.
// On /verify, where the browser can read QR codes from the camera (BarcodeDetector),
// offer a button that fills the Health ID in; a handheld scanner types it without this.
(function () {
  "use strict";
  var button = document.getElementById("scan-qr");
  var input = document.getElementById("f-health_id");
  var video = document.getElementById("scan-video");
  if (!button || !input || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) { input.value = codes[0].rawValue.trim(); stop(); input.form.submit(); }
          else { window.requestAnimationFrame(look); }
        }).catch(stop);
      };
      look();
    }).catch(function () { button.hidden = true; });
  });
})();
