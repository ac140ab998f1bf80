// The widget renderer (embed-amd.js) loads its icon fonts from the folder of its require.js module,
// which require.js places beside the page; this points that module at the local copy in _static/.
requirejs.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": new URL("offline/html-manager", document.currentScript.src).href,
  },
});
