// Key share slips (开箱计票): a "Scan" button next to each slip field reads the slip's QR code
// with the console's camera (vendored jsQR) and fills the field. Typing works without it.
(function () {
  "use strict";
  const buttons = document.querySelectorAll("[data-scan-for]");
  if (!buttons.length) return;
  const hasCamera = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) && window.jsQR;
  buttons.forEach(function (button) {
    if (!hasCamera) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () { scan(button); });
  });

  function scan(button) {
    const field = document.getElementById(button.dataset.scanFor);
    const panel = document.getElementById("scan-panel");
    const video = panel.querySelector("video");
    const status = panel.querySelector("[data-scan-status]");
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    let stream = null;
    let stopped = false;
    panel.hidden = false;
    status.textContent = panel.dataset.looking;
    function stop() {
      stopped = true;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      panel.hidden = true;
    }
    panel.querySelector("[data-scan-cancel]").onclick = function () { stop(); button.focus(); };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.setAttribute("playsinline", "");
      video.play();
      requestAnimationFrame(tick);
    }).catch(function () {
      status.textContent = panel.dataset.noCamera;
    });
    function tick() {
      if (stopped) return;
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (found && found.data) {
          field.value = found.data;
          stop();
          field.focus();
          return;
        }
      }
      requestAnimationFrame(tick);
    }
  }
})();
