var ti=!!"".isWellFormed;var v=Math.fround;var di=64*1024;function Ye(e,t){for(let n of t)e.kinds.set(n.kind,(e.kinds.get(n.kind)??0)+1)}var A=Uint8Array,B=Uint16Array,en=Int32Array,Xe=new A([0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0,0,0,0]),_e=new A([0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13,0,0]),tn=new A([16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15]),Je=function(e,t){for(var n=new B(31),r=0;r<31;++r)n[r]=t+=1<<e[r-1];for(var i=new en(n[30]),r=1;r<30;++r)for(var a=n[r];a<n[r+1];++a)i[a]=a-n[r]<<5|r;return{b:n,r:i}},Qe=Je(Xe,2),et=Qe.b,nn=Qe.r;et[28]=258,nn[258]=28;var tt=Je(_e,0),rn=tt.b,pi=tt.r,we=new B(32768);for(m=0;m<32768;++m)M=(m&43690)>>1|(m&21845)<<1,M=(M&52428)>>2|(M&13107)<<2,M=(M&61680)>>4|(M&3855)<<4,we[m]=((M&65280)>>8|(M&255)<<8)>>1;var M,m,V=(function(e,t,n){for(var r=e.length,i=0,a=new B(t);i<r;++i)e[i]&&++a[e[i]-1];var o=new B(t);for(i=1;i<t;++i)o[i]=o[i-1]+a[i-1]<<1;var s;if(n){s=new B(1<<t);var l=15-t;for(i=0;i<r;++i)if(e[i])for(var u=i<<4|e[i],c=t-e[i],f=o[e[i]-1]++<<c,d=f|(1<<c)-1;f<=d;++f)s[we[f]>>l]=u}else for(s=new B(r),i=0;i<r;++i)e[i]&&(s[i]=we[o[e[i]-1]++]>>15-e[i]);return s}),Y=new A(288);for(m=0;m<144;++m)Y[m]=8;var m;for(m=144;m<256;++m)Y[m]=9;var m;for(m=256;m<280;++m)Y[m]=7;var m;for(m=280;m<288;++m)Y[m]=8;var m,nt=new A(32);for(m=0;m<32;++m)nt[m]=5;var m;var an=V(Y,9,1);var on=V(nt,5,1),ye=function(e){for(var t=e[0],n=1;n<e.length;++n)e[n]>t&&(t=e[n]);return t},T=function(e,t,n){var r=t/8|0;return(e[r]|e[r+1]<<8)>>(t&7)&n},be=function(e,t){var n=t/8|0;return(e[n]|e[n+1]<<8|e[n+2]<<16)>>(t&7)},sn=function(e){return(e+7)/8|0},ne=function(e,t,n){return(t==null||t<0)&&(t=0),(n==null||n>e.length)&&(n=e.length),new A(e.subarray(t,n))};var ln=["unexpected EOF","invalid block type","invalid length/literal","invalid distance","stream finished","no stream handler",,"no callback","invalid UTF-8 data","extra field too long","date not in range 1980-2099","filename too long","stream finishing","invalid zip data"],k=function(e,t,n){var r=new Error(t||ln[e]);if(r.code=e,Error.captureStackTrace&&Error.captureStackTrace(r,k),!n)throw r;return r},un=function(e,t,n,r){var i=e.length,a=r?r.length:0;if(!i||t.f&&!t.l)return n||new A(0);var o=!n,s=o||t.i!=2,l=t.i;o&&(n=new A(i*3));var u=function(Ge){var je=n.length;if(Ge>je){var Ve=new A(Math.max(je*2,Ge));Ve.set(n),n=Ve}},c=t.f||0,f=t.p||0,d=t.b||0,h=t.l,x=t.d,w=t.m,b=t.n,$=i*8;do{if(!h){c=T(e,f,1);var ce=T(e,f+1,3);if(f+=3,ce)if(ce==1)h=an,x=on,w=9,b=5;else if(ce==2){var pe=T(e,f,31)+257,Be=T(e,f+10,15)+4,Re=pe+T(e,f+5,31)+1;f+=14;for(var Z=new A(Re),me=new A(19),I=0;I<Be;++I)me[tn[I]]=T(e,f+I*3,7);f+=Be*3;for(var qe=ye(me),Wt=(1<<qe)-1,$t=V(me,qe,1),I=0;I<Re;){var He=$t[T(e,f,Wt)];f+=He&15;var D=He>>4;if(D<16)Z[I++]=D;else{var F=0,te=0;for(D==16?(te=3+T(e,f,3),f+=2,F=Z[I-1]):D==17?(te=3+T(e,f,7),f+=3):D==18&&(te=11+T(e,f,127),f+=7);te--;)Z[I++]=F}}var Ke=Z.subarray(0,pe),L=Z.subarray(pe);w=ye(Ke),b=ye(L),h=V(Ke,w,1),x=V(L,b,1)}else k(1);else{var D=sn(f)+4,de=e[D-4]|e[D-3]<<8,he=D+de;if(he>i){l&&k(0);break}s&&u(d+de),n.set(e.subarray(D,he),d),t.b=d+=de,t.p=f=he*8,t.f=c;continue}if(f>$){l&&k(0);break}}s&&u(d+131072);for(var Zt=(1<<w)-1,Gt=(1<<b)-1,ge=f;;ge=f){var F=h[be(e,f)&Zt],P=F>>4;if(f+=F&15,f>$){l&&k(0);break}if(F||k(2),P<256)n[d++]=P;else if(P==256){ge=f,h=null;break}else{var We=P-254;if(P>264){var I=P-257,G=Xe[I];We=T(e,f,(1<<G)-1)+et[I],f+=G}var xe=x[be(e,f)&Gt],ve=xe>>4;xe||k(3),f+=xe&15;var L=rn[ve];if(ve>3){var G=_e[ve];L+=be(e,f)&(1<<G)-1,f+=G}if(f>$){l&&k(0);break}s&&u(d+131072);var $e=d+We;if(d<L){var Ze=a-L,jt=Math.min(L,$e);for(Ze+d<0&&k(3);d<jt;++d)n[d]=r[Ze+d]}for(;d<$e;++d)n[d]=n[d-L]}}t.l=h,t.p=ge,t.b=d,t.f=c,h&&(c=1,t.m=w,t.d=x,t.n=b)}while(!c);return d!=n.length&&o?ne(n,0,d):n.subarray(0,d)};var fn=new A(0);var rt=(function(){function e(t,n){typeof t=="function"&&(n=t,t={}),this.ondata=n;var r=t&&t.dictionary&&t.dictionary.subarray(-32768);this.s={i:0,b:r?r.length:0},this.o=new A(32768),this.p=new A(0),r&&this.o.set(r)}return e.prototype.e=function(t){if(this.ondata||k(5),this.d&&k(4),!this.p.length)this.p=t;else if(t.length){var n=new A(this.p.length+t.length);n.set(this.p),n.set(t,this.p.length),this.p=n}},e.prototype.c=function(t){this.s.i=+(this.d=t||!1);var n=this.s.b,r=un(this.p,this.s,this.o);this.ondata(ne(r,n,this.s.b),this.d),this.o=ne(r,this.s.b-32768),this.s.b=this.o.length,this.p=ne(this.p,this.s.p/8|0),this.s.p&=7},e.prototype.push=function(t,n){this.e(t),this.c(n)},e})();var cn=typeof TextDecoder<"u"&&new TextDecoder,dn=0;try{cn.decode(fn,{stream:!0}),dn=1}catch{}var hn=1e4,g=class extends Error{constructor(n){super(n);this.reason=n}reason};function st(e,t){try{return{...pn(e,t)}}catch(n){return n instanceof g?{notInspectable:n.reason}:{notInspectable:"corrupt"}}}function pn(e,t){let n=gn(e),r=new Map(n.map(a=>[a.name,a]));if(r.has("word/document.xml")){let a=n.map(o=>o.name).filter(o=>{let s=o.startsWith("word/")?o.slice(5):"";return(s.startsWith("header")||s.startsWith("footer"))&&s.endsWith(".xml")&&!s.includes("/")||["footnotes.xml","endnotes.xml","comments.xml"].includes(s)}).sort(mn);return{text:it(e,r,["word/document.xml",...a],"word",t),format:"docx"}}let i=null;try{i=lt(e,r,"mimetype",256)}catch{i=null}if(i!==null&&new TextDecoder().decode(i)==="application/vnd.oasis.opendocument.text"){let a=r.has("styles.xml")?["content.xml","styles.xml"]:["content.xml"];return{text:it(e,r,a,"odf",t),format:"odt"}}throw r.has("[Content_Types].xml")&&n.some(a=>a.name.includes("/encryption"))?new g("encrypted"):new g("unsupported-format")}function mn(e,t){let n=new TextEncoder().encode(e),r=new TextEncoder().encode(t);for(let i=0;i<Math.min(n.length,r.length);i++){let a=n[i]-r[i];if(a!==0)return a}return n.length-r.length}function gn(e){let t=new DataView(e.buffer,e.byteOffset,e.byteLength),n=-1;for(let u=e.length-22;u>=Math.max(0,e.length-22-65535);u--)if(t.getUint32(u,!0)===101010256){n=u;break}if(n<0)throw new g("corrupt");let r=t.getUint16(n+10,!0),i=t.getUint32(n+12,!0),a=t.getUint32(n+16,!0);if(r>hn)throw new g("too-large");if(a+i>n)throw new g("corrupt");let o=new TextDecoder,s=[],l=a;for(let u=0;u<r;u++){if(l+46>n||t.getUint32(l,!0)!==33639248)throw new g("corrupt");let c=t.getUint16(l+28,!0),f=l+46+c+t.getUint16(l+30,!0)+t.getUint16(l+32,!0);if(f>n)throw new g("corrupt");s.push({name:o.decode(e.subarray(l+46,l+46+c)),flags:t.getUint16(l+8,!0),method:t.getUint16(l+10,!0),compressedSize:t.getUint32(l+20,!0),size:t.getUint32(l+24,!0),localOffset:t.getUint32(l+42,!0)}),l=f}return s}function lt(e,t,n,r){let i=t.get(n);if(i===void 0)throw new g("corrupt");if((i.flags&1)!==0)throw new g("encrypted");if(i.size>r)throw new g("too-large");let a=new DataView(e.buffer,e.byteOffset,e.byteLength),o=i.localOffset;if(o+30>e.length||a.getUint32(o,!0)!==67324752)throw new g("corrupt");let s=o+30+a.getUint16(o+26,!0)+a.getUint16(o+28,!0),l=e.subarray(s,s+i.compressedSize);if(l.length!==i.compressedSize)throw new g("corrupt");if(i.method===0){if(l.length>r)throw new g("too-large");return l}if(i.method!==8)throw new g("unsupported-format");let u=[],c=0,f=!1,d=new rt((b,$)=>{if(c+=b.length,c>r)throw new g("too-large");u.push(b),$&&(f=!0)}),h=64*1024;for(let b=0;b<l.length;b+=h)d.push(l.subarray(b,Math.min(b+h,l.length)),b+h>=l.length);if(l.length===0&&d.push(new Uint8Array(0),!0),!f)throw new g("corrupt");let x=new Uint8Array(c),w=0;for(let b of u)x.set(b,w),w+=b.length;return x}function it(e,t,n,r,i){let a="";for(let o of n){let s=lt(e,t,o,i.maxPartBytes);if(a!==""&&!a.endsWith(`
`)&&(a+=`
`),a+=xn(s,r),a.length>i.maxTextBytes)throw new g("too-large")}return a}function at(e,t){return e==="word"?t==="w:t"||t==="w:delText":t==="text:p"||t==="text:h"}function ot(e,t){return e==="word"?t==="w:p":t==="text:p"||t==="text:h"}function xn(e,t){let n;try{n=new TextDecoder("utf-8",{fatal:!0}).decode(e)}catch{throw new g("corrupt")}let r=[],i=[],a=0,o=0;for(;o<n.length;){let s=n.indexOf("<",o),l=s<0?n.length:s;if(l>o){if(a>0)r.push(bn(n.slice(o,l)));else if(n.slice(o,l).includes("&")&&/&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(n.slice(o,l)))throw new g("corrupt")}if(s<0)break;if(n.startsWith("<!--",s))o=re(n,"-->",s+4);else if(n.startsWith("<![CDATA[",s)){let u=n.indexOf("]]>",s+9);if(u<0)throw new g("corrupt");a>0&&r.push(n.slice(s+9,u)),o=u+3}else if(n.startsWith("<?",s))o=re(n,"?>",s+2);else if(n.startsWith("<!",s)){let u=n.indexOf("[",s),c=n.indexOf(">",s);o=u>=0&&u<c?re(n,"]>",u):re(n,">",s)}else{let u=vn(n,s+1),c=n.slice(s+1,u);if(o=u+1,c.startsWith("/")){let x=c.slice(1).trim();if(i.pop()!==x)throw new g("corrupt");at(t,x)&&(a=Math.max(0,a-1)),ot(t,x)&&r.push(`
`);continue}let f=c.endsWith("/"),d=f?c.slice(0,-1):c,h=/^[^\s/>]+/.exec(d)?.[0];if(h===void 0)throw new g("corrupt");if(!f){i.push(h),at(t,h)&&(a+=1);continue}if(t==="word"&&h==="w:tab"||t==="odf"&&h==="text:tab")r.push("	");else if(t==="word"&&(h==="w:br"||h==="w:cr")||t==="odf"&&h==="text:line-break")r.push(`
`);else if(t==="odf"&&h==="text:s"){let x=/\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(d),w=x===null?1:Number(x[1]??x[2]);r.push(" ".repeat(Math.min(Number.isSafeInteger(w)?w:1,64)))}else ot(t,h)&&r.push(`
`)}}return r.join("")}function re(e,t,n){let r=e.indexOf(t,n);if(r<0)throw new g("corrupt");return r+t.length}function vn(e,t){let n="";for(let r=t;r<e.length;r++){let i=e[r];if(n!=="")i===n&&(n="");else if(i==='"'||i==="'")n=i;else{if(i===">")return r;if(i==="<")break}}throw new g("corrupt")}var yn={amp:"&",lt:"<",gt:">",quot:'"',apos:"'"};function bn(e){return e.replace(/&([^;&]*);|&/g,(t,n)=>{if(n===void 0)throw new g("corrupt");let r=/^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(n);if(r!==null){let i=r[1]!==void 0?parseInt(r[1],16):Number(r[2]);if(!(i>0&&i<=1114111)||i>=55296&&i<=57343)throw new g("corrupt");return String.fromCodePoint(i)}if(!/^[A-Za-z_][\w.-]*$/.test(n))throw new g("corrupt");return yn[n]??""})}var Ae={maxFileBytes:256<<20,maxPartBytes:64<<20,maxTextBytes:64<<20};function ct(e,t,n=Ae){if(e.length>n.maxFileBytes)return{notInspectable:"too-large"};let r;switch(An(e)){case"pdf":r={notInspectable:"pdf"};break;case"zip":r=st(e,n);break;case"image":r={notInspectable:"image"};break;case"unsupported":r={notInspectable:"unsupported-format"};break;case"other":r=Cn(e,t,n.maxTextBytes);break}return"text"in r&&wn(r.text)>n.maxTextBytes?{notInspectable:"too-large"}:r}function wn(e){let t=0;for(let n=0;n<e.length;n++){let r=e.charCodeAt(n);r<128?t+=1:r<2048?t+=2:r>=55296&&r<=56319&&n+1<e.length&&(e.charCodeAt(n+1)&64512)===56320?(t+=4,n+=1):t+=3}return t}var ut=1<<20;function ft(e,t){let n=new TextDecoder(t,{fatal:!0,ignoreBOM:!0});try{for(let r=0;r<e.length;r+=ut)n.decode(e.subarray(r,r+ut),{stream:!0});return n.decode(),!0}catch{return!1}}function y(e,t,n=0){return t.every((r,i)=>e[n+i]===r)}var O=e=>[...e].map(t=>t.charCodeAt(0));function An(e){let t=e.subarray(0,1024),n=O("%PDF-");for(let i=0;i+n.length<=t.length;i++)if(y(t,n,i))return"pdf";return y(e,[80,75,3,4])?"zip":y(e,[137,80,78,71,13,10,26,10])||y(e,[255,216,255])||y(e,O("GIF87a"))||y(e,O("GIF89a"))||y(e,[73,73,42,0])||y(e,[77,77,0,42])||y(e,O("BM"))&&e.length>=10&&y(e,[0,0,0,0],6)||y(e,O("RIFF"))&&y(e,O("WEBP"),8)||y(e,O("ftyp"),4)&&["heic","heix","mif1","avif","msf1"].some(i=>y(e,O(i),8))?"image":y(e,[208,207,17,224,161,177,26,225])||y(e,[82,97,114,33,26,7])||y(e,[55,122,188,175,39,28])||y(e,[31,139])?"unsupported":"other"}function Cn(e,t,n){let r=t===null?-1:t.lastIndexOf("."),i=t===null||r<0?"":t.slice(r+1).toLowerCase(),a=i==="csv"||i==="tsv"?"csv":"text";for(let[l,u]of[[[255,254],"utf-16le"],[[254,255],"utf-16be"]])if(y(e,l)){let c=e.subarray(2);if(c.length/2>n)return ft(c,u)?{notInspectable:"too-large"}:{notInspectable:"unknown-format"};try{return{text:new TextDecoder(u,{fatal:!0,ignoreBOM:!0}).decode(c),format:a}}catch{return{notInspectable:"unknown-format"}}}if(e.includes(0))return{notInspectable:"unknown-format"};let o=e.length>n;if(o&&ft(e,"utf-8"))return{notInspectable:"too-large"};if(!o)try{return{text:new TextDecoder("utf-8",{fatal:!0,ignoreBOM:!0}).decode(e),format:a}}catch{}let s=0;for(let l=0;l<e.length;l++){let u=e[l];u<32&&u!==10&&u!==13&&u!==9&&u!==12&&(s+=1)}return s*100>e.length?{notInspectable:"unknown-format"}:o?{notInspectable:"too-large"}:{text:new TextDecoder("windows-1252").decode(e),format:a}}function C(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122||e===95)}function p(e){return e!==void 0&&e>=48&&e<=57}function N(e){return e!==void 0&&e>=65&&e<=90}function E(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122)}function X(e){return e!==void 0&&(e>=65&&e<=90||e>=97&&e<=122)}function H(e){return e>=97&&e<=122?e-32:e}function ie(e){return e>=65&&e<=90?e+32:e}function _(e,t){let n=e[t];return n===32||n===46||n===45?1:n===194&&e[t+1]===160?2:n===226&&e[t+1]===128&&(e[t+2]===175||e[t+2]===137)?3:0}function ae(e,t,n=e.length){for(let r=t;r<n;r++){let i=e[r];if(i>=48&&i<=57)return r}return-1}function Te(e,t){let n=e[t];return n===void 0?-1:n<128?n:n<224?(n&31)<<6|(e[t+1]??0)&63:n<240?(n&15)<<12|((e[t+1]??0)&63)<<6|(e[t+2]??0)&63:(n&7)<<18|((e[t+1]??0)&63)<<12|((e[t+2]??0)&63)<<6|(e[t+3]??0)&63}function ke(e){return e<128?1:e<224?2:e<240?3:4}var In=/^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u,Sn=new RegExp("^\\p{Alphabetic}$","u"),dt=new Map;function q(e){if(e<0)return!1;if(e<128)return E(e);let t=dt.get(e);return t===void 0&&(t=In.test(String.fromCodePoint(e)),dt.set(e,t)),t}function Tn(e){return e>=0&&(e<128?X(e):Sn.test(String.fromCodePoint(e)))}function oe(e,t){let n=e[t];return n===void 0?!1:n<128?Ee[n]===1:mt(e,t,n)}var Ee=new Uint8Array(128);for(let e=0;e<128;e++)Ee[e]=C(e)?1:0;var ht=new Uint8Array(2048);function mt(e,t,n){if(n<224){let r=(n&31)<<6|(e[t+1]??0)&63,i=ht[r];return i===0&&(i=q(r)?1:2,ht[r]=i),i===1}return q(Te(e,t))}function gt(e,t,n){let r=0,i=-1,a=0,o=e.length;for(;r<o;){let s=e[r];if(s<128){Ee[s]===1?(i<0&&(i=r,a=0),a=Math.imul(a^(s>=65&&s<=90?s+32:s),16777619)>>>0):i>=0&&(Ce(t,a)&&n(i,a),i=-1),r+=1;continue}let l=ke(s);if(mt(e,r,s)){i<0&&(i=r,a=0);for(let u=r;u<r+l;u++)a=Math.imul(a^e[u],16777619)>>>0}else i>=0&&(Ce(t,a)&&n(i,a),i=-1);r+=l}i>=0&&Ce(t,a)&&n(i,a)}function kn(e,t){return Math.imul(e^t,16777619)>>>0}function xt(e){let t=new Uint32Array(2048);for(let n of e)t[(n&65535)>>>5]=t[(n&65535)>>>5]|1<<(n&31);return t}function Ce(e,t){return(e[(t&65535)>>>5]&1<<(t&31))!==0}function vt(e){let t=0,n=0;for(;n<e.length;){let r=e[n],i=1;if(r<128){if(!C(r))break}else{if(!q(Te(e,n)))break;i=ke(r)}for(let a=n;a<n+i;a++)t=kn(t,ie(e[a]));n+=i}return t}function J(e,t,n,r){let i=Math.max(0,t-n);for(let a of r){let o=t-a.length;e:for(let s=i;s<=o;s++){for(let l=0;l<a.length;l++)if(ie(e[s+l])!==a.charCodeAt(l))continue e;return!0}}return!1}function yt(e,t){let n=R(e,t,1,4);if(n===null)return-1;let[r,i]=n;if(i-t===4){if(e[i]!==45)return-1;let c=R(e,i+1,2,2);if(c===null||e[c[1]]!==45)return-1;let f=R(e,c[1]+1,2,2);if(f===null)return-1;let d=f[1];return Ie(r,4)&&Se(f[0],c[0])&&!C(e[d])?d:-1}if(i-t>2)return-1;let a=r,o=e[i];if(o===47||o===45||o===46){let c=R(e,i+1,1,2);if(c===null||e[c[1]]!==o)return-1;let f=R(e,c[1]+1,2,4);if(f===null)return-1;let d=f[1]-c[1]-1;return d!==3&&Ie(f[0],d)&&Se(a,c[0])&&!C(e[f[1]])?f[1]:-1}let s=i;if(a===1&&e[s]===101&&e[s+1]===114&&(s+=2),s=pt(e,s),s<0)return-1;let l=Dn(e,s);if(l===null||(s=pt(e,l[1]),s<0))return-1;let u=R(e,s,4,4);return u===null?-1:Ie(u[0],4)&&Se(a,l[0])&&!C(e[u[1]])?u[1]:-1}function R(e,t,n,r){let i=0,a=t;for(;p(e[a]);){if(a-t===r)return null;i=i*10+(e[a]-48),a+=1}return a-t>=n?[i,a]:null}function pt(e,t){let n=t;for(;;)if(e[n]===32)n+=1;else if(e[n]===194&&e[n+1]===160)n+=2;else if(e[n]===226&&e[n+1]===128&&e[n+2]===175)n+=3;else break;return n>t?n:-1}var En=new Map([["janvier",1],["janv.",1],["février",2],["fevrier",2],["févr.",2],["fevr.",2],["mars",3],["avril",4],["avr.",4],["mai",5],["juin",6],["juillet",7],["juil.",7],["août",8],["aout",8],["septembre",9],["sept.",9],["octobre",10],["oct.",10],["novembre",11],["nov.",11],["décembre",12],["decembre",12],["déc.",12],["dec.",12],["janv",1]]),Un=new TextDecoder;function Dn(e,t){let n=t;for(;n<e.length;){let a=Te(e,n);if(!(a===46||Tn(a)))break;n+=ke(e[n])}let r=Un.decode(e.subarray(t,n)).toLowerCase(),i=En.get(r);return i===void 0?null:[i,n]}function Ie(e,t){return t===2||e>=1900&&e<=2100}function Se(e,t){let n;if(t===2)n=29;else if(t===4||t===6||t===9||t===11)n=30;else if(t>=1&&t<=12)n=31;else return!1;return e>=1&&e<=n}var se=64,K=class{root={next:new Map,pattern:-1};patterns=[];firstWords=new Set;classes=null;transitions=new Int32Array(0);accepting=new Int32Array(0);matchEnd=0;add(t){let n=zn.encode(t);this.firstWords.add(vt(n));let r=this.root;for(let i of n){let a=ie(i),o=r.next.get(a);o===void 0&&(o={next:new Map,pattern:-1},r.next.set(a,o)),r=o}r.pattern<0&&(r.pattern=this.patterns.length),this.patterns.push(n),this.classes=null}mayStart(t){return this.firstWords.has(t)}firstWordHashes(){return this.firstWords}compile(){let t=new Uint8Array(256),n=[],r=new Map,i=[this.root],a=0;for(;i.length>0;){let o=i.shift();r.set(o,n.length),n.push(o);for(let[s,l]of o.next){if(t[s]===0){if(a+=1,a>=se)throw new Error("too many distinct bytes in the dictionary");t[s]=a,s>=97&&s<=122&&(t[s-32]=a)}i.push(l)}}return this.transitions=new Int32Array(n.length*se),this.accepting=new Int32Array(n.length),n.forEach((o,s)=>{this.accepting[s]=o.pattern;for(let[l,u]of o.next)this.transitions[s*se+t[l]]=r.get(u)}),this.classes=t,t}longestAt(t,n){let r=this.classes??this.compile(),i=this.transitions,a=0,o=-1;for(let s=n;s<t.length;s++){let l=r[t[s]];if(l===0||(a=i[a*se+l],a===0))break;let u=this.accepting[a];u>=0&&(o=u,this.matchEnd=s+1)}return o}},zn=new TextEncoder;function le(e){let t=e.toLowerCase(),n=[t,t.toUpperCase()],r=[...t].map(Ln).join("");[...r].length>=4&&n.push(r);for(let i of[...n])i.includes("'")?n.push(i.replaceAll("'","’")):i.includes("’")&&n.push(i.replaceAll("’","'"));return n.sort(Mn),n.filter((i,a)=>a===0||i!==n[a-1])}function Mn(e,t){let n=[...e],r=[...t];for(let i=0;i<Math.min(n.length,r.length);i++){let a=(n[i].codePointAt(0)??0)-(r[i].codePointAt(0)??0);if(a!==0)return a}return n.length-r.length}function Ln(e){switch(e){case"à":case"â":case"ä":case"á":return"a";case"é":case"è":case"ê":case"ë":return"e";case"î":case"ï":case"í":return"i";case"ô":case"ö":case"ó":return"o";case"ù":case"û":case"ü":case"ú":return"u";case"ç":return"c";case"ÿ":return"y";case"œ":return"oe";case"æ":return"ae";default:return e}}var Ct=64,On=[["né","birth"],["née","birth"],["né(e)","birth"],["naissance","birth"],["ddn","birth"],["date of birth","birth"],["birth date","birth"],["born","birth"],["dob","birth"],["cni","cni"],["carte nationale d'identité","cni"],["carte nationale d’identité","cni"],["carte d'identité","cni"],["carte d’identité","cni"],["pièce d'identité","cni"],["pièce d’identité","cni"],["identity card","cni"],["passeport","passport"],["passport","passport"],["adeli","adeli"]];function It(){let e=new K,t=[];for(let[n,r]of On)for(let i of le(n))e.add(i),t.push(r);return{dictionary:e,triggers:t}}function St(e,t,n,r){let i=0;for(let o of n){if(o<i)continue;let s=e.dictionary.longestAt(t,o);if(s<0)continue;let l=e.dictionary.matchEnd;if(oe(t,l))continue;let u=e.triggers[s];if(u===void 0)continue;i=l;let c;switch(u){case"birth":c=Bn(t,l);break;case"cni":c=At(t,l,a);break;case"passport":c=At(t,l,(f,d)=>Rn(t,f,d)?Nn:null);break;case"adeli":c=qn(t,l);break}c!==null&&r.push(c)}function a(o,s){if(s-o===12)return bt(t,o,o+4)&&wt(t,o+4,o+7)&&bt(t,o+7,s)?Fn:null;if(s-o!==9||!wt(t,o,s))return null;let l=!1,u=!1;for(let c=o;c<s;c++)p(t[c])?l=!0:u=!0;return l&&u?Pn:null}}var Nn=["passport",.9],Fn=["cni",.85],Pn=["cni",.8];function bt(e,t,n){for(let r=t;r<n;r++)if(!p(e[r]))return!1;return!0}function wt(e,t,n){for(let r=t;r<n;r++)if(!(p(e[r])||N(e[r])))return!1;return!0}function Tt(e,t){let n=Math.min(t+Ct,e.length),r=ae(e,t,n);return r<0||r>0&&C(e[r-1])?-1:r}function Bn(e,t){let n=Tt(e,t);if(n<0)return null;let r=yt(e,n);return r<0?null:{kind:"birthdate",start:n,end:r,confidence:v(.9)}}function At(e,t,n){let r=Math.min(t+Ct,e.length),i=t;for(;i<r;){if(!C(e[i])){i+=1;continue}let a=i;for(;C(e[a]);)a+=1;let o=n(i,a);if(o!==null)return{kind:o[0],start:i,end:a,confidence:v(o[1])};i=a}return null}function Rn(e,t,n){if(n-t!==9)return!1;for(let r=t;r<n;r++){let i=r-t;if(i===2||i===3?!N(e[r]):!p(e[r]))return!1}return!0}function qn(e,t){let n=Tt(e,t);if(n<0)return null;let r=n,i=0;for(;;){let a=r;for(;p(e[a]);)a+=1;if(i+=a-r,i>9||C(e[a]))return null;let o=_(e,a);if(i===9)return o>0&&p(e[a+o])?null:{kind:"adeli",start:n,end:a,confidence:v(.85)};if(o===0||!p(e[a+o]))return null;r=a+o}}var kt=`# French health terms for the \`health\` detector: term, weight, category.
# Weight (0-1): how strongly the term alone points to health data; a match is reported
# when its weight plus the boost of nearby terms and context words reaches 0.5.
# Categories: diagnosis, treatment, disability, care; \`context\` words are never reported,
# they only raise the score of terms near them. A term written in capitals (VIH, AVC) is
# an acronym and matches only in capitals; others ignore case and accents.
# Sources: common French terms of clinical and social-care writing (ALD list, CIM-10
# chapter titles, medico-social services); no personal data.
# diagnoses
cancer	0.6	diagnosis
cancer du sein	0.9	diagnosis
cancer du poumon	0.9	diagnosis
cancer de la prostate	0.9	diagnosis
cancer colorectal	0.9	diagnosis
tumeur	0.6	diagnosis
tumeur maligne	0.9	diagnosis
tumeur bénigne	0.8	diagnosis
carcinome	0.9	diagnosis
adénocarcinome	0.9	diagnosis
sarcome	0.9	diagnosis
lymphome	0.9	diagnosis
leucémie	0.9	diagnosis
myélome	0.9	diagnosis
mélanome	0.9	diagnosis
glioblastome	0.9	diagnosis
métastase	0.9	diagnosis
métastases	0.9	diagnosis
néoplasie	0.9	diagnosis
oncologie	0.7	care
diabète	0.7	diagnosis
diabète de type 1	0.9	diagnosis
diabète de type 2	0.9	diagnosis
diabétique	0.7	diagnosis
diabète gestationnel	0.9	diagnosis
hypertension artérielle	0.8	diagnosis
hypertension	0.5	diagnosis
HTA	0.6	diagnosis
hypercholestérolémie	0.8	diagnosis
infarctus	0.7	diagnosis
infarctus du myocarde	0.9	diagnosis
insuffisance cardiaque	0.9	diagnosis
insuffisance rénale	0.9	diagnosis
insuffisance respiratoire	0.9	diagnosis
insuffisance hépatique	0.9	diagnosis
cardiopathie	0.9	diagnosis
arythmie	0.8	diagnosis
fibrillation auriculaire	0.9	diagnosis
angine de poitrine	0.8	diagnosis
AVC	0.7	diagnosis
accident vasculaire cérébral	0.9	diagnosis
embolie pulmonaire	0.9	diagnosis
thrombose	0.8	diagnosis
phlébite	0.8	diagnosis
anévrisme	0.8	diagnosis
cirrhose	0.9	diagnosis
hépatite	0.8	diagnosis
hépatite B	0.9	diagnosis
hépatite C	0.9	diagnosis
VIH	0.9	diagnosis
sida	0.8	diagnosis
séropositif	0.9	diagnosis
séropositive	0.9	diagnosis
séropositivité	0.9	diagnosis
infection sexuellement transmissible	0.9	diagnosis
IST	0.45	diagnosis
syphilis	0.9	diagnosis
tuberculose	0.9	diagnosis
méningite	0.9	diagnosis
septicémie	0.9	diagnosis
pneumonie	0.7	diagnosis
bronchite chronique	0.8	diagnosis
covid-19	0.5	diagnosis
covid long	0.8	diagnosis
épilepsie	0.9	diagnosis
épileptique	0.8	diagnosis
crise d'épilepsie	0.9	diagnosis
maladie d'Alzheimer	0.9	diagnosis
alzheimer	0.8	diagnosis
maladie de Parkinson	0.9	diagnosis
parkinson	0.7	diagnosis
démence	0.7	diagnosis
troubles cognitifs	0.8	diagnosis
sclérose en plaques	0.9	diagnosis
sclérose latérale amyotrophique	0.9	diagnosis
maladie de Charcot	0.9	diagnosis
myopathie	0.9	diagnosis
mucoviscidose	0.9	diagnosis
drépanocytose	0.9	diagnosis
hémophilie	0.9	diagnosis
maladie de Crohn	0.9	diagnosis
rectocolite hémorragique	0.9	diagnosis
maladie cœliaque	0.8	diagnosis
polyarthrite rhumatoïde	0.9	diagnosis
spondylarthrite	0.9	diagnosis
lupus	0.8	diagnosis
fibromyalgie	0.9	diagnosis
arthrose	0.6	diagnosis
ostéoporose	0.7	diagnosis
hernie discale	0.7	diagnosis
lombalgie	0.6	diagnosis
asthme	0.7	diagnosis
asthmatique	0.7	diagnosis
BPCO	0.8	diagnosis
bronchopneumopathie chronique obstructive	0.9	diagnosis
apnée du sommeil	0.8	diagnosis
hypothyroïdie	0.8	diagnosis
hyperthyroïdie	0.8	diagnosis
obésité	0.6	diagnosis
obésité morbide	0.9	diagnosis
anorexie	0.7	diagnosis
anorexie mentale	0.9	diagnosis
boulimie	0.8	diagnosis
troubles du comportement alimentaire	0.9	diagnosis
dénutrition	0.7	diagnosis
schizophrénie	0.9	diagnosis
schizophrène	0.9	diagnosis
trouble bipolaire	0.9	diagnosis
troubles bipolaires	0.9	diagnosis
bipolaire	0.6	diagnosis
psychose	0.9	diagnosis
paranoïa	0.7	diagnosis
dépression	0.4	diagnosis
syndrome dépressif	0.9	diagnosis
épisode dépressif	0.9	diagnosis
état dépressif	0.9	diagnosis
dépressif	0.6	diagnosis
dépressive	0.6	diagnosis
burn-out	0.6	diagnosis
trouble anxieux	0.8	diagnosis
troubles anxieux	0.8	diagnosis
trouble panique	0.8	diagnosis
attaques de panique	0.7	diagnosis
anxiété généralisée	0.8	diagnosis
phobie	0.5	diagnosis
trouble obsessionnel compulsif	0.9	diagnosis
TOC	0.6	diagnosis
stress post-traumatique	0.9	diagnosis
syndrome de stress post-traumatique	0.9	diagnosis
trouble de la personnalité	0.9	diagnosis
personnalité borderline	0.9	diagnosis
autisme	0.8	diagnosis
autiste	0.8	diagnosis
trouble du spectre de l'autisme	0.9	diagnosis
TSA	0.45	diagnosis
syndrome d'Asperger	0.9	diagnosis
TDAH	0.8	diagnosis
hyperactivité	0.5	diagnosis
trouble du déficit de l'attention	0.9	diagnosis
dyslexie	0.7	diagnosis
dyspraxie	0.7	diagnosis
trisomie 21	0.9	diagnosis
trisomie	0.8	diagnosis
syndrome de Down	0.9	diagnosis
infirmité motrice cérébrale	0.9	diagnosis
paralysie cérébrale	0.9	diagnosis
addiction	0.5	diagnosis
alcoolisme	0.8	diagnosis
alcoolodépendance	0.9	diagnosis
dépendance à l'alcool	0.9	diagnosis
toxicomanie	0.8	diagnosis
toxicomane	0.8	diagnosis
usage de stupéfiants	0.7	diagnosis
tentative de suicide	0.9	diagnosis
idées suicidaires	0.9	diagnosis
risque suicidaire	0.9	diagnosis
automutilation	0.9	diagnosis
scarifications	0.7	diagnosis
grossesse	0.5	diagnosis
enceinte	0.5	diagnosis
grossesse extra-utérine	0.9	diagnosis
interruption volontaire de grossesse	0.9	care
IVG	0.9	care
interruption médicale de grossesse	0.9	care
fausse couche	0.7	diagnosis
infertilité	0.8	diagnosis
stérilité	0.6	diagnosis
endométriose	0.9	diagnosis
ménopause	0.5	diagnosis
dysfonction érectile	0.9	diagnosis
cataracte	0.7	diagnosis
glaucome	0.8	diagnosis
dégénérescence maculaire	0.9	diagnosis
rétinopathie	0.9	diagnosis
acouphènes	0.6	diagnosis
migraine	0.5	diagnosis
maladie rare	0.7	diagnosis
maladie chronique	0.7	diagnosis
maladie génétique	0.8	diagnosis
allergie	0.4	diagnosis
eczéma	0.5	diagnosis
psoriasis	0.7	diagnosis
pathologie	0.4	diagnosis
comorbidité	0.7	diagnosis
comorbidités	0.7	diagnosis
fracture	0.4	diagnosis
traumatisme crânien	0.8	diagnosis
coma	0.6	diagnosis
état végétatif	0.9	diagnosis
escarre	0.8	diagnosis
incontinence	0.8	diagnosis
insuffisance veineuse	0.8	diagnosis
# treatments
chimiothérapie	0.9	treatment
radiothérapie	0.9	treatment
immunothérapie	0.8	treatment
hormonothérapie	0.8	treatment
curiethérapie	0.9	treatment
trithérapie	0.9	treatment
traitement antirétroviral	0.9	treatment
antirétroviral	0.9	treatment
antirétroviraux	0.9	treatment
PrEP	0.8	treatment
prophylaxie pré-exposition	0.9	treatment
insuline	0.6	treatment
insulinothérapie	0.9	treatment
metformine	0.8	treatment
antidépresseur	0.8	treatment
antidépresseurs	0.8	treatment
anxiolytique	0.8	treatment
anxiolytiques	0.8	treatment
neuroleptique	0.9	treatment
neuroleptiques	0.9	treatment
antipsychotique	0.9	treatment
antipsychotiques	0.9	treatment
benzodiazépine	0.8	treatment
benzodiazépines	0.8	treatment
thymorégulateur	0.9	treatment
hypnotique	0.5	treatment
somnifère	0.6	treatment
somnifères	0.6	treatment
lithium	0.5	treatment
méthadone	0.9	treatment
buprénorphine	0.9	treatment
Subutex	0.9	treatment
traitement de substitution aux opiacés	0.9	treatment
morphine	0.7	treatment
opioïde	0.7	treatment
opioïdes	0.7	treatment
tramadol	0.7	treatment
codéine	0.6	treatment
oxycodone	0.8	treatment
fentanyl	0.7	treatment
paracétamol	0.4	treatment
ibuprofène	0.4	treatment
anti-inflammatoire	0.4	treatment
corticoïdes	0.6	treatment
corticothérapie	0.8	treatment
antibiotique	0.4	treatment
antibiotiques	0.4	treatment
antibiothérapie	0.7	treatment
anticoagulant	0.7	treatment
anticoagulants	0.7	treatment
antiagrégant plaquettaire	0.8	treatment
bêtabloquant	0.7	treatment
antihypertenseur	0.7	treatment
statine	0.6	treatment
statines	0.6	treatment
lévothyrox	0.7	treatment
lévothyroxine	0.7	treatment
valproate	0.8	treatment
dépakine	0.9	treatment
antiépileptique	0.9	treatment
antiépileptiques	0.9	treatment
rispéridone	0.9	treatment
olanzapine	0.9	treatment
clozapine	0.9	treatment
aripiprazole	0.9	treatment
halopéridol	0.9	treatment
quétiapine	0.9	treatment
sertraline	0.9	treatment
fluoxétine	0.9	treatment
paroxétine	0.9	treatment
escitalopram	0.9	treatment
citalopram	0.9	treatment
venlafaxine	0.9	treatment
duloxétine	0.9	treatment
mirtazapine	0.9	treatment
alprazolam	0.9	treatment
bromazépam	0.9	treatment
diazépam	0.9	treatment
lorazépam	0.9	treatment
oxazépam	0.9	treatment
zolpidem	0.8	treatment
zopiclone	0.8	treatment
prégabaline	0.8	treatment
gabapentine	0.8	treatment
méthylphénidate	0.9	treatment
ritaline	0.9	treatment
méthotrexate	0.9	treatment
tamoxifène	0.9	treatment
létrozole	0.9	treatment
trastuzumab	0.9	treatment
adalimumab	0.9	treatment
interféron	0.8	treatment
warfarine	0.8	treatment
apixaban	0.8	treatment
rivaroxaban	0.8	treatment
héparine	0.7	treatment
dialyse	0.8	treatment
hémodialyse	0.9	treatment
dialyse péritonéale	0.9	treatment
greffe	0.5	treatment
greffe de rein	0.9	treatment
greffe de moelle	0.9	treatment
transplantation	0.7	treatment
transplantation rénale	0.9	treatment
transfusion	0.7	treatment
pontage coronarien	0.9	treatment
angioplastie	0.9	treatment
stimulateur cardiaque	0.8	treatment
pacemaker	0.7	treatment
prothèse de hanche	0.8	treatment
mastectomie	0.9	treatment
hystérectomie	0.9	treatment
appendicectomie	0.8	treatment
amputation	0.8	treatment
stomie	0.9	treatment
trachéotomie	0.9	treatment
sonde urinaire	0.8	treatment
oxygénothérapie	0.8	treatment
ventilation non invasive	0.8	treatment
électroconvulsivothérapie	0.9	treatment
sismothérapie	0.9	treatment
psychothérapie	0.7	treatment
thérapie cognitivo-comportementale	0.8	treatment
sevrage	0.5	treatment
sevrage alcoolique	0.9	treatment
cure de désintoxication	0.9	treatment
traitement	0.2	treatment
posologie	0.6	treatment
ordonnance	0.35	care
prescription médicale	0.6	care
vaccination	0.3	treatment
contraception	0.5	treatment
pilule contraceptive	0.7	treatment
procréation médicalement assistée	0.9	treatment
PMA	0.6	treatment
fécondation in vitro	0.9	treatment
FIV	0.5	treatment
# disability
handicap	0.5	disability
situation de handicap	0.6	disability
handicap psychique	0.9	disability
handicap mental	0.9	disability
handicap moteur	0.9	disability
handicap sensoriel	0.9	disability
polyhandicap	0.9	disability
polyhandicapé	0.9	disability
handicapé	0.5	disability
handicapée	0.5	disability
invalidité	0.6	disability
pension d'invalidité	0.8	disability
carte mobilité inclusion	0.8	disability
carte d'invalidité	0.8	disability
taux d'incapacité	0.8	disability
incapacité permanente	0.8	disability
allocation aux adultes handicapés	0.9	disability
AAH	0.7	disability
allocation d'éducation de l'enfant handicapé	0.9	disability
AEEH	0.8	disability
prestation de compensation du handicap	0.9	disability
PCH	0.6	disability
reconnaissance de la qualité de travailleur handicapé	0.9	disability
RQTH	0.8	disability
MDPH	0.7	disability
maison départementale des personnes handicapées	0.8	disability
CDAPH	0.8	disability
ESAT	0.6	disability
IME	0.45	disability
ITEP	0.6	disability
SESSAD	0.7	disability
foyer d'accueil médicalisé	0.8	disability
maison d'accueil spécialisée	0.8	disability
paraplégie	0.9	disability
paraplégique	0.9	disability
tétraplégie	0.9	disability
tétraplégique	0.9	disability
hémiplégie	0.9	disability
hémiplégique	0.9	disability
fauteuil roulant	0.6	disability
surdité	0.7	disability
sourd	0.4	disability
malentendant	0.6	disability
malentendante	0.6	disability
appareil auditif	0.6	disability
implant cochléaire	0.9	disability
cécité	0.8	disability
non-voyant	0.7	disability
malvoyant	0.7	disability
malvoyante	0.7	disability
déficience visuelle	0.8	disability
déficience intellectuelle	0.9	disability
retard mental	0.9	disability
retard psychomoteur	0.9	disability
perte d'autonomie	0.6	disability
dépendance	0.25	disability
GIR	0.4	disability
allocation personnalisée d'autonomie	0.7	disability
APA	0.4	disability
aidant familial	0.5	disability
aide humaine	0.4	disability
tutelle	0.4	disability
curatelle	0.5	disability
mesure de protection juridique	0.6	disability
# care
hospitalisation	0.6	care
hospitalisé	0.6	care
hospitalisée	0.6	care
hospitalisation complète	0.8	care
hospitalisation de jour	0.8	care
hospitalisation à domicile	0.8	care
hospitalisation sous contrainte	0.9	care
soins psychiatriques	0.9	care
soins psychiatriques sans consentement	0.9	care
soins sans consentement	0.9	care
hospitalisation d'office	0.9	care
mise en chambre d'isolement	0.9	care
contention	0.5	care
psychiatrie	0.7	care
psychiatre	0.6	care
pédopsychiatre	0.8	care
pédopsychiatrie	0.8	care
psychologue	0.4	care
centre médico-psychologique	0.8	care
CMP	0.5	care
CMPP	0.7	care
CSAPA	0.8	care
CAARUD	0.8	care
addictologie	0.8	care
addictologue	0.8	care
soins palliatifs	0.9	care
fin de vie	0.6	care
directives anticipées	0.8	care
réanimation	0.7	care
soins intensifs	0.8	care
urgences psychiatriques	0.9	care
passage aux urgences	0.6	care
bloc opératoire	0.7	care
intervention chirurgicale	0.7	care
compte rendu opératoire	0.9	care
compte rendu d'hospitalisation	0.9	care
compte rendu de consultation	0.8	care
lettre de liaison	0.6	care
dossier médical	0.7	care
dossier médical partagé	0.8	care
secret médical	0.6	care
certificat médical	0.7	care
arrêt de travail	0.6	care
arrêt maladie	0.7	care
congé maladie	0.6	care
congé de longue maladie	0.9	care
congé de longue durée	0.7	care
affection de longue durée	0.9	care
ALD	0.6	care
ALD 30	0.9	care
accident du travail	0.5	care
maladie professionnelle	0.6	care
médecine du travail	0.5	care
inaptitude	0.5	care
mi-temps thérapeutique	0.9	care
temps partiel thérapeutique	0.9	care
biopsie	0.8	care
IRM	0.5	care
scanner cérébral	0.8	care
scintigraphie	0.8	care
radiographie	0.4	care
échographie	0.5	care
mammographie	0.8	care
coloscopie	0.8	care
endoscopie	0.7	care
électrocardiogramme	0.7	care
électroencéphalogramme	0.8	care
bilan sanguin	0.5	care
prise de sang	0.5	care
analyses de sang	0.5	care
sérologie	0.7	care
charge virale	0.9	care
glycémie	0.7	care
hémoglobine glyquée	0.9	care
HbA1c	0.9	care
test de grossesse	0.8	care
dépistage	0.4	care
kinésithérapie	0.5	care
kinésithérapeute	0.4	care
orthophonie	0.6	care
orthophoniste	0.5	care
ergothérapie	0.6	care
rééducation	0.5	care
rééducation fonctionnelle	0.7	care
soins infirmiers	0.6	care
soins à domicile	0.6	care
SSIAD	0.7	care
HAD	0.45	care
EHPAD	0.5	care
unité de soins de longue durée	0.8	care
USLD	0.7	care
soins de suite et de réadaptation	0.8	care
SSR	0.4	care
maternité	0.4	care
accouchement	0.5	care
césarienne	0.8	care
suivi de grossesse	0.8	care
PMI	0.45	care
planning familial	0.6	care
consultation mémoire	0.9	care
médecin traitant	0.5	care
antécédents médicaux	0.8	care
antécédents psychiatriques	0.9	care
antécédents chirurgicaux	0.8	care
diagnostic	0.3	care
pronostic vital	0.8	care
symptômes	0.4	care
effets indésirables	0.6	care
allergie médicamenteuse	0.8	care
carnet de santé	0.7	care
carte vitale	0.5	care
complémentaire santé solidaire	0.6	care
aide médicale de l'état	0.7	care
AME	0.4	care
# context words: raise the score of nearby terms, never reported alone
patient	0	context
patiente	0	context
patients	0	context
diagnostiqué	0	context
diagnostiquée	0	context
atteint de	0	context
atteinte de	0	context
souffre de	0	context
souffrant de	0	context
suivi pour	0	context
suivie pour	0	context
traité pour	0	context
traitée pour	0	context
antécédents	0	context
médecin	0	context
docteur	0	context
Dr	0	context
hôpital	0	context
clinique	0	context
CHU	0	context
CHS	0	context
service de	0	context
prescrit	0	context
prescrite	0	context
examen clinique	0	context
consultation	0	context
infirmière	0	context
infirmier	0	context
santé	0	context
médical	0	context
médicale	0	context
thérapeutique	0	context
`;var Kn=v(.5),Et=200,Wn=v(.15),$n=3,Zn=v(.25);function Ut(e=kt){let t=new K,n=[],r=0;return e.split(`
`).forEach((i,a,o)=>{if(a===o.length-1&&i==="")return;let s=i.trim();if(s===""||s.startsWith("#"))return;let[l,u,c]=s.split("	");if(l===void 0||u===void 0||c===void 0)return;let f=Gn(u.trim());if(f===null)return;let d=new RegExp("\\p{Alphabetic}","u").test(l)&&!new RegExp("\\p{Lowercase}","u").test(l),h={id:a,weight:f,context:c.trim()==="context",exactCase:d};r+=1;for(let x of d?[l]:le(l))t.add(x),n.push(h)}),{dictionary:t,terms:n,lines:r}}function Gn(e){return/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(e)?v(Number(e)):null}function jn(e,t){if(e.length!==t.length)return!1;for(let n=0;n<e.length;n++)if(e[n]!==t[n])return!1;return!0}function Dt(e,t,n,r){let i=[],a=0;for(let l of n){if(l<a)continue;let u=e.dictionary.longestAt(t,l);if(u<0)continue;let c=e.dictionary.matchEnd,f=e.terms[u],d=e.dictionary.patterns[u];f===void 0||d===void 0||f.exactCase&&!jn(d,t.subarray(l,c))||oe(t,c)||(a=c,i.push({start:l,end:c,term:f}))}let o=0,s=0;for(let l of i){if(l.term.context)continue;for(;i[o].end+Et<l.start;)o+=1;for(;s+1<i.length&&i[s+1].start<=l.end+Et;)s+=1;let u=[],c=!1;for(let d=o;d<=s;d++){let h=i[d].term;h.id!==l.term.id&&(h.context?c=!0:!u.includes(h.id)&&u.length<$n&&u.push(h.id))}let f=v(l.term.weight+v(Wn*u.length));f=v(f+(c?Zn:0)),f=Math.min(f,1),f>=Kn&&r.push({kind:"health",start:l.start,end:l.end,confidence:f})}}var Vn={nir:[3,2],iban:[4,2],card:[0,4],rib:[0,2],cni:[0,2],passport:[0,2],birthdate:[0,2],email:[1,2],health:[1,0],finess:[2,2],rpps:[2,2],adeli:[2,2],siren:[2,2],siret:[2,2],phone:[2,2]},Yn=new TextDecoder;function zt(e,t){let n=0;for(let s of t){if(s>=128)return Xn(e,Yn.decode(t));E(s)&&(n+=1)}let[r,i]=Mt(e,n),a="",o=0;for(let s=0;s<t.length;s++){let l=t[s];E(l)&&(o<r||o>=n-i||(l=42),o+=1),a+=String.fromCharCode(l)}return a}function Mt(e,t){let[n,r]=Vn[e];for(;n+r>0&&2*(n+r)>t;)r>=n?r-=1:n-=1;return[n,r]}function Xn(e,t){let n=[...t],r=n.filter(l=>q(l.codePointAt(0)??-1)).length,[i,a]=Mt(e,r),o=0,s="";for(let l of n){if(!q(l.codePointAt(0)??-1)){s+=l;continue}s+=o<i||o>=r-a?l:"*",o+=1}return s}var _n=64,Jn=253;function Lt(e,t){let n=0,r=e.indexOf(64);for(;r>=0;){if(r>=n){let i=tr(e,r,n),a=i<0?-1:nr(e,r+1);i>=0&&a>=0&&(t.push({kind:"email",start:i,end:a,confidence:v(.95)}),n=a)}r=Qn(e,r+1)}}function Qn(e,t){let n=Math.min(t+32,e.length);for(let r=t;r<n;r++)if(e[r]===64)return r;return n<e.length?e.indexOf(64,n):-1}function er(e){return E(e)||e===46||e===95||e===37||e===43||e===45||e===39}function tr(e,t,n){let r=t;for(;r>n&&er(e[r-1]);)if(r-=1,t-r>_n)return-1;for(;r<t&&(e[r]===46||e[r]===39);)r+=1;return r<t?r:-1}function nr(e,t){let n=t;for(;n<e.length&&(E(e[n])||e[n]===46||e[n]===45);)if(n+=1,n-t>Jn)return-1;for(;n>t&&(e[n-1]===46||e[n-1]===45);)n-=1;let r=-1,i=t;for(let a=t;a<=n;a++)if(a===n||e[a]===46){if(a===i||e[i]===45)return-1;a<n&&(r=a),i=a+1}if(r<0||n-r-1<2)return-1;for(let a=r+1;a<n;a++)if(!X(e[a]))return-1;return n}function Q(e){if(e.length===0)return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[e.length-1-n];if(!p(r))return!1;let i=r-48;n%2===1&&(i*=2,i>9&&(i-=9)),t+=i}return t%10===0}function Ue(e){let t=0;for(let n=0;n<e.length;n++){let r=e[n];if(!p(r))return-1;t=(t*10+(r-48))%97}return t}function Ot(e,t){return p(e)&&p(t)?(e-48)*10+(t-48):-1}function De(e){if(e.length!==15)return!1;let t=e[0];if(!(t===49||t===50||t===51||t===52||t===55||t===56))return!1;let[n,r,i,a,o]=[e[1],e[2],e[3],e[4],e[5]];if(!(p(n)&&p(r)&&p(i)&&p(a)))return!1;let s=(i-48)*10+(a-48);if(!(s>=1&&s<=12||s===20||s>=30&&s<=42||s>=50))return!1;let l=H(e[6]),u,c;if(o===50&&l===65)[u,c]=[49,57];else if(o===50&&l===66)[u,c]=[49,56];else if(p(o)&&p(l)&&!(o===48&&l===48))[u,c]=[o,l];else return!1;if(e[10]===48&&e[11]===48&&e[12]===48)return!1;let f=0;for(let h of[t,n,r,i,a,u,c])f=(f*10+(h-48))%97;for(let h=7;h<13;h++){let x=e[h];if(!p(x))return!1;f=(f*10+(x-48))%97}let d=Ot(e[13],e[14]);return d>=0&&d===97-f}function Nt(e){if(e.length<4||ze(e[0],e[1])!==e.length||!p(e[2])||!p(e[3]))return!1;for(let n=4;n<e.length;n++)if(!E(e[n]))return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[(n+4)%e.length],i;if(p(r))i=r-48;else if(r>=65&&r<=90)i=r-65+10;else if(r>=97&&r<=122)i=r-97+10;else return!1;t=i<10?(t*10+i)%97:(t*100+i)%97}return t===1}function ze(e,t){return rr.get(String.fromCharCode(e,t))??-1}var rr=new Map(Object.entries({AD:24,AE:23,AL:28,AT:20,AZ:28,BA:20,BE:16,BG:22,BH:22,BI:27,BR:29,BY:28,CH:21,CR:22,CY:28,CZ:24,DE:22,DJ:27,DK:18,DO:28,EE:20,EG:29,ES:24,FI:18,FK:18,FO:18,FR:27,GB:22,GE:22,GI:23,GL:18,GR:27,GT:28,HN:28,HR:21,HU:28,IE:22,IL:23,IQ:23,IS:26,IT:27,JO:30,KW:30,KZ:20,LB:28,LC:32,LI:21,LT:20,LU:20,LV:21,LY:25,MC:27,MD:24,ME:22,MK:19,MN:20,MR:27,MT:31,MU:30,NI:28,NL:18,NO:15,OM:23,PK:24,PL:28,PS:29,PT:25,QA:29,RO:24,RS:22,RU:33,SA:24,SC:31,SD:18,SE:24,SI:19,SK:24,SM:27,SO:23,ST:25,SV:28,TL:23,TN:24,TR:26,UA:29,VA:22,VG:24,XK:20,YE:30}));function Me(e){if(e.length!==23)return!1;let t=[];for(let o of e.subarray(10,21)){let s=ir(o);if(s<0)return!1;t.push(s)}let n=Ue(e.subarray(0,5)),r=Ue(e.subarray(5,10)),i=Ue(t),a=Ot(e[21],e[22]);return n<0||r<0||i<0||a<0?!1:a===97-(89*n+15*r+3*i)%97}function ir(e){let t=H(e);return p(t)?t:t>=65&&t<=73?49+(t-65):t>=74&&t<=82?49+(t-74):t>=83&&t<=90?50+(t-83):-1}function Ft(e){if(e.length!==14||!e.every(n=>p(n)))return!1;if(Q(e))return!0;let t=e.reduce((n,r)=>n+r-48,0);return String.fromCharCode(...e.subarray(0,9))==="356000000"&&t%5===0}function Pt(e){return ar(e)&&Q(e)}function ar(e){let t=e.length;if(t<12||t>19||!e.every(i=>p(i)))return!1;let n=i=>e.subarray(0,i).reduce((a,o)=>a*10+o-48,0),r=e[0];if(r===52)return t===13||t===16||t===19;if(r===51){let i=n(2);if(i===34||i===37)return t===15;let a=n(4);if(a>=3528&&a<=3589)return t>=16;let o=n(3);return i===36||i===38||i===39||o>=300&&o<=305?t>=14:!1}if(r===53){let i=n(2);return i>=51&&i<=55?t===16:i===50||i>=56&&i<=58}if(r===50){let i=n(4);return i>=2221&&i<=2720&&t===16}return r===54}var fe=23,ue=40,W=4*fe,Oe=class{count=0;truncated=!1;starts=new Int32Array(W);ends=new Int32Array(W);compactStarts=new Int32Array(W);compactEnds=new Int32Array(W);compact=new Uint8Array(W*64);compactLength=0;span={start:0,end:0,boundaries:0,atRunStart:!1};spans=Array.from({length:fe+1},(t,n)=>new Uint8Array(n));collect(t,n){this.count=0,this.compactLength=0,this.truncated=!1;let r=n;for(;;){let i=Ne(t,r);if(!Cr(t,r,i))return this.count===0?i:r;if(this.count===W)return this.truncated=!0,r;let a=this.compactLength;if(this.compactLength+(i-r)>this.compact.length){let l=new Uint8Array(2*(this.compactLength+(i-r)));l.set(this.compact.subarray(0,this.compactLength)),this.compact=l}for(let l=r;l<i;l++)this.compact[this.compactLength++]=H(t[l]);this.starts[this.count]=r,this.ends[this.count]=i,this.compactStarts[this.count]=a,this.compactEnds[this.count]=this.compactLength,this.count+=1;let o=_(t,i),s=i+o;if(o===0||!p(t[s]))return i;r=s}}classify(t,n,r,i,a){let o=this.span;for(let s=0;s<i;s++){let l=this.compactStarts[s],u=0;for(let c=s;c<this.count;c++){let f=this.compactEnds[c],d=f-l;if(d>fe||c-s>=2&&f-this.compactStarts[c]===1)break;if(d>=9){o.start=this.starts[s],o.end=this.ends[c],o.boundaries=u,o.atRunStart=r&&s===0;let h=this.spans[d];for(let w=0;w<d;w++)h[w]=this.compact[l+w];let x=wr(t,h,o,n);x!==null&&a.push(x)}u|=1<<d}}}};function z(e){return e.reduce((t,n)=>t|1<<n,0)}var sr=z([3,6]),lr=z([2,3,6]),ur=z([2,4,6,8]),fr=z([2,3,5,7,9]),cr=z([4,5,7,9,11]),dr=z([3,6,9]),Bt=z([1,3,5,7,10,13]),Rt=z([5,10,21]),hr=z([4,8,12,16]),pr=z([4,10]);function U(e,t){return(e.boundaries&~t)===0}function mr(e,t){return e.boundaries===0||e.boundaries===t}function gr(e){for(let t=0;t<e.length;t++)if(X(e[t]))return!0;return!1}var xr=["adeli"],vr=["finess"],yr=["siren","siret","rcs","entreprise","societe"],br=["rpps"];function S(e,t,n){return{kind:t,start:e.start,end:e.end,confidence:v(n)}}function Le(e,t){if(e.length<t.length)return!1;for(let n=0;n<t.length;n++)if(e[n]!==t.charCodeAt(n))return!1;return!0}function wr(e,t,n,r){let i=t.length;if(gr(t))return i===15&&U(n,Bt)&&De(t)?S(n,"nir",.95):i===23&&U(n,Rt)&&Me(t)?S(n,"rib",.95):null;if(i===9)return!(U(n,lr)&&Q(t))||J(e,n.start,ue,xr)?null:J(e,n.start,ue,vr)?S(n,"finess",.95):U(n,sr)?S(n,"siren",J(e,n.start,ue,yr)?.95:.7):null;if(i===10)return t[0]===48&&t[1]!==48&&mr(n,ur)?S(n,"phone",n.boundaries===0?.7:.85):null;if(i===11){if(r&&n.atRunStart&&Le(t,"33")&&t[2]!==48&&U(n,fr))return{kind:"phone",start:n.start-1,end:n.end,confidence:v(.9)};if(n.boundaries===0&&Q(t)){if(J(e,n.start,ue,br))return S(n,"rpps",.95);if(Le(t,"10"))return S(n,"rpps",.7)}return null}return i===13&&Le(t,"0033")&&t[4]!==48&&U(n,cr)?S(n,"phone",.9):i===14&&U(n,dr)&&Ft(t)?S(n,"siret",.95):i===15&&U(n,Bt)&&De(t)?S(n,"nir",.95):i===23?U(n,Rt)&&Me(t)?S(n,"rib",.95):null:i>=12&&i<=19&&Ar(i,n)&&Pt(t)?S(n,"card",.9):null}function Ar(e,t){return U(t,hr)||(e===14||e===15)&&U(t,pr)}function Cr(e,t,n){let r=!1,i=-1,a=0;for(let s=t;s<n;s++)p(e[s])?r=!0:(a+=1,i<0&&(i=s));if(n-t===11&&r||a===0)return!0;let o=e[i];return a===1&&(o===65||o===66||o===97||o===98)&&i>t&&e[i-1]===50}function Ir(e,t,n){if(n-t!==9||!p(e[t])||!p(e[t+1])||!N(e[t+2])||!N(e[t+3]))return!1;for(let r=t+4;r<n;r++)if(!p(e[r]))return!1;return!0}function Ne(e,t){let n=t;for(;n<e.length&&C(e[n]);)n++;return n}function Sr(e,t){if(t+2>e.length)return null;let n=ze(e[t],e[t+1]);if(n<0)return null;let r=new Uint8Array(n),i=0,a=t;for(;i<n;){let o=_(e,a);o>0&&e[a]!==46&&e[a]!==45&&i>0&&(a+=o);let s=e[a];if(!E(s))return null;r[i++]=H(s),a+=1}return C(e[a])?null:Nt(r)?{kind:"iban",start:t,end:a,confidence:v(.99)}:a}function qt(e,t){let n=new Oe,r=0;for(;;){let i=ae(e,r);if(i<0)return;if(i>0&&C(e[i-1])){let l=i-2;if(i>=2&&N(e[l])&&N(e[l+1])&&(l===0||!C(e[l-1]))){let u=Sr(e,l);if(u!==null){typeof u=="number"?r=u:(t.push(u),r=u.end);continue}}r=Ne(e,i);continue}let a=n.collect(e,i);if(n.count===0){let l=Ne(e,i);Ir(e,i,l)&&t.push({kind:"passport",start:i,end:l,confidence:v(.5)}),r=l;continue}let o=i>0&&e[i-1]===43;if(!n.truncated){n.classify(e,o,!0,n.count,t),r=Math.max(a,i+1);continue}let s=!0;for(;;){let l=n.truncated,u=l?n.count-fe:n.count;if(n.classify(e,o&&s,s,u,t),!l)break;s=!1;let c=n.starts[u];a=n.collect(e,c),r=Math.max(a,c+1)}}}var Pe=class{constructor(t,n,r,i,a){this.kind=t;this.start=n;this.end=r;this.confidence=i;this.#e=a}kind;start;end;confidence;#e;#t;get excerpt(){return this.#t??=zt(this.kind,this.#e.subarray(this.start,this.end)),this.#t}toJSON(){return{kind:this.kind,start:this.start,end:this.end,excerpt:this.excerpt,confidence:this.confidence}}},Fe=null;function Ht(e){let t=typeof e=="string"?new TextEncoder().encode(e):e;if(Fe===null){let l=It(),u=Ut();Fe={context:l,health:u,filter:xt([...l.dictionary.firstWordHashes(),...u.dictionary.firstWordHashes()])}}let n=[];qt(t,n),Lt(t,n);let r=[],i=[],{context:a,health:o,filter:s}=Fe;return gt(t,s,(l,u)=>{a.dictionary.mayStart(u)&&r.push(l),o.dictionary.mayStart(u)&&i.push(l)}),St(a,t,r,n),Dt(o,t,i,n),Tr(t,n)}function Tr(e,t){t.sort((a,o)=>a.start-o.start||a.end-o.end);let n=[],r=a=>n.push(new Pe(a.kind,a.start,a.end,a.confidence,e)),i=0;for(;i<t.length;){let a=i+1,o=t[i].end;for(;a<t.length&&t[a].start<o;)o=Math.max(o,t[a].end),a+=1;a===i+1?r(t[i]):Er(t.slice(i,a)).sort((s,l)=>s.start-l.start).forEach(r),i=a}return n}var kr=32;function Er(e){e.sort((a,o)=>o.end-o.start-(a.end-a.start)||o.confidence-a.confidence||a.start-o.start);let t=[];if(e.length<=kr){for(let a of e)t.some(o=>o.start<a.end&&a.start<o.end)||t.push(a);return t}let n=1/0,r=0;for(let a of e)n=Math.min(n,a.start),r=Math.max(r,a.end);let i=new Uint32Array(r-n+1);for(let a of e){let o=a.start-n,s=a.end-n,l=!1;if(o===s)l=o>0&&i[o-1]!==0&&i[o-1]===i[o];else for(let u=o;u<s&&!l;u++)l=i[u]!==0;l||(t.push(a),i.fill(t.length,o,s))}return t}var Ur=3;async function Kt(e,t=()=>{}){let n={kinds:new Map,notInspectable:0},r=[],i=e.reduce((o,s)=>o+s.size,0),a=0;for(let o of e){t(a,i);let s=[],l=null;if(o.size>Ae.maxFileBytes)l="too-large";else{let u=ct(await o.bytes(),o.name);"text"in u?s=Ht(u.text):l=u.notInspectable}l!==null&&(n.notInspectable+=1),Ye(n,s),r.push({name:o.name,notInspectable:l,kinds:Dr(s)}),a+=o.size,await new Promise(u=>setTimeout(u,0))}return t(i,i),{labels:n,files:r}}function Dr(e){let t=new Map;for(let n of e){let r=t.get(n.kind);r===void 0&&(r={kind:n.kind,count:0,excerpts:[]},t.set(n.kind,r)),r.count+=1,r.excerpts.length<Ur&&!r.excerpts.includes(n.excerpt)&&r.excerpts.push(n.excerpt)}return[...t.values()]}var ee=self;ee.onmessage=e=>{ee.postMessage({ready:!0});let t=e.data.files;Kt(t.map(n=>({name:n.name,size:n.size,bytes:async()=>new Uint8Array(await n.arrayBuffer())})),(n,r)=>ee.postMessage({progress:[n,r]})).then(n=>ee.postMessage({inspection:n})).catch(n=>ee.postMessage({error:n instanceof Error?n.name:"error"}))};
/*! Bundled license information:

smol-toml/dist/error.js:
smol-toml/dist/primitive.js:
smol-toml/dist/date.js:
smol-toml/dist/extract.js:
smol-toml/dist/util.js:
smol-toml/dist/struct.js:
smol-toml/dist/parse.js:
smol-toml/dist/stringify.js:
smol-toml/dist/index.js:
  (*!
   * Copyright (c) Squirrel Chat et al., All rights reserved.
   * SPDX-License-Identifier: BSD-3-Clause
   *
   * Redistribution and use in source and binary forms, with or without
   * modification, are permitted provided that the following conditions are met:
   *
   * 1. Redistributions of source code must retain the above copyright notice, this
   *    list of conditions and the following disclaimer.
   * 2. Redistributions in binary form must reproduce the above copyright notice,
   *    this list of conditions and the following disclaimer in the
   *    documentation and/or other materials provided with the distribution.
   * 3. Neither the name of the copyright holder nor the names of its contributors
   *    may be used to endorse or promote products derived from this software without
   *    specific prior written permission.
   *
   * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
   * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
   * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
   * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
   * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
   * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
   * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
   * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
   * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
   *)
*/
