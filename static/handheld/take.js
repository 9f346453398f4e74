// The "use this device as a handheld" page: the form carries the device id this browser's handheld app
// already uses (static/handheld/app.js keeps it in localStorage), so the login is that device's.
const device = localStorage.getItem("wms.device");
if (device) document.getElementById("take-device").value = device;
